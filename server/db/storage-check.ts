import Database from "better-sqlite3";
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../user-error.ts";
import { forgetCleanStop, isUnchangedSinceCleanStop } from "./clean-stop.ts";
import { assertIsSqliteFile } from "./connection.ts";

/**
 * Looks at hearth.db before anything opens it for writing, so that a fault is refused with a sentence and the
 * files stay as they were: a damaged or read-only database, or one that was lost from an instance that still
 * has its media. Opening such a file the usual way either fails half-way (leaving -wal and -shm files beside
 * a read-only one) or, for a lost one, quietly starts a new, empty instance.
 */
export function checkStorage(dataDir: string, path: string): void {
  const size = existsSync(path) ? statSync(path).size : undefined;
  if (size === undefined || size === 0) {
    refuseLostDatabase(dataDir, path, size === undefined ? "missing" : "empty");
    return;
  }
  assertIsSqliteFile(path);
  const walPath = `${path}-wal`;
  const hasWal = existsSync(walPath) && statSync(walPath).size > 0;
  // A WAL left by a crash holds committed pages not yet in the file; with it, the file's own size proves nothing.
  if (!hasWal) checkFileSize(path, size);
  assertWritable(path);
  // The file a clean stop left, unchanged since, had sound pages when it was closed (clean-stop.ts). The record
  // goes only once the file passed, since a refusal changes no file; if it cannot go, the pages are read.
  const isKnownSound = isUnchangedSinceCleanStop(path);
  if (!isKnownSound) checkPages(path, hasWal);
  if (!forgetCleanStop(path) && isKnownSound) checkPages(path, hasWal);
}

/** A set-up instance keeps its uploads in media/; a new instance over them would lose every account and post. */
function refuseLostDatabase(dataDir: string, path: string, state: "missing" | "empty"): void {
  if (!existsSync(join(dataDir, "media"))) return;
  throw new UserError(
    `${path} is ${state} but ${dataDir} holds an instance's media/, so its database was lost; Hearth did not start a new instance over it: put hearth.db back from your latest backup (or move media/ away to start afresh).`,
  );
}

function damaged(path: string, what: string): UserError {
  return new UserError(
    `${path} is damaged (${what}); Hearth left it as it was: stop here and put hearth.db back from your latest backup (or move it away to start a new instance).`,
  );
}

const HEADER_BYTES = 100;

/** The database header (sqlite.org/fileformat.html, 1.3): a file shorter than it says it is was cut. */
function checkFileSize(path: string, size: number): void {
  if (size < HEADER_BYTES) throw damaged(path, `it is cut short: ${size} bytes, less than its own header`);
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const storedPageSize = header.readUInt16BE(16);
  const pageSize = storedPageSize === 1 ? 65_536 : storedPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damaged(path, `its header names an impossible page size, ${storedPageSize}`);
  const changeCounter = header.readUInt32BE(24);
  const pageCount = header.readUInt32BE(28);
  const isPageCountValid = pageCount > 0 && header.readUInt32BE(92) === changeCounter;
  const expected = isPageCountValid ? pageCount * pageSize : undefined;
  if (expected !== undefined && size < expected) throw damaged(path, `it is cut short: ${size} of its ${expected} bytes`);
  if (size % pageSize !== 0) throw damaged(path, `it is cut short: ${size} bytes is not a whole number of its ${pageSize}-byte pages`);
}

/**
 * A file this user may only read opens anyway (SQLite falls back to read-only) and fails at the first write,
 * after creating -wal and -shm beside it. Root may write whatever the mode bits say, and access() knows it.
 */
function assertWritable(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch {
      throw new UserError(
        `${file} cannot be written by this user (it is read-only); Hearth left it as it was: check its permissions, since Hearth needs to read and write it and everything in ${dirname(file)}.`,
      );
    }
  }
}

/**
 * Every page is read (PRAGMA quick_check: the b-trees are whole, without integrity_check's slow cross-check of
 * indexes), before a write could spread the damage. Read and write, the connection removes the -wal and
 * -shm files it made when it closes; read-only, it could not, so that is kept for a WAL a crash left behind,
 * which must not be checkpointed into a file that may be damaged.
 */
function checkPages(path: string, hasWal: boolean): void {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { readonly: hasWal, fileMustExist: true });
    const result = sqlite.pragma("quick_check(1)", { simple: true });
    if (result !== "ok") throw damaged(path, `SQLite's check of its pages says: ${oneLine(String(result))}`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")) {
      throw damaged(path, `SQLite says: ${oneLine((error as Error).message)}`);
    }
    throw error;
  } finally {
    sqlite?.close();
  }
}

/** quick_check's first finding, on one line: "*** in database main ***\nTree 6 page 6: ..." -> "Tree 6 page 6: ...". */
function oneLine(finding: string): string {
  return finding
    .replace(/^\*\*\* in database \S+ \*\*\*\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}
