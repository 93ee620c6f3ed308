import Database from "better-sqlite3";
import { accessSync, constants, mkdirSync, openSync, readSync, closeSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Kysely } from "kysely";
import { UserError } from "../user-error.ts";
import type { DatabaseSchema } from "./schema.ts";
import { HearthSqliteDialect } from "./sqlite-dialect.ts";
import { WriteGeneration } from "./write-generation.ts";
import { registerPageReadCachesConnection } from "./page-read-caches.ts";

export const DATABASE_FILE_NAME = "hearth.db";

const SQLITE_HEADER = "SQLite format 3\0";

export interface DatabaseHandles {
  /** The raw connection, for the few places kysely cannot speak (FTS5, pragmas). */
  readonly sqlite: Database.Database;
  readonly db: Kysely<DatabaseSchema>;
  /** Moves whenever anything may have been written, for what reuses a read (write-generation.ts). */
  readonly writeGeneration: WriteGeneration;
}

/** Creates the data directory if needed and proves it can be written, before anything opens files in it. */
export function prepareDataDirectory(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new UserError(`Cannot create the data directory ${dataDir}: ${(error as Error).message}.`);
  }
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`The data directory ${dataDir} is not writable; choose another with --data-dir or fix its permissions.`);
  }
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE_NAME);
}

/** Refuses a file that exists but is not a SQLite database, so we never overwrite what someone put there. */
export function assertIsSqliteFile(path: string): void {
  if (!existsSync(path)) return;
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    // An empty file is what SQLite itself leaves after a create that was interrupted; it is safe to use.
    if (read === 0) return;
    if (read < header.length || header.toString("latin1") !== SQLITE_HEADER) {
      throw new UserError(`${path} is not a Hearth database (not a SQLite file); move it away or choose another --data-dir.`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens one connection to hearth.db with the settings every connection must have. Fedify gets a
 * connection of its own from this same function, so its writes never nest inside one of our transactions.
 */
export function openSqlite(path: string): Database.Database {
  assertIsSqliteFile(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path);
  } catch (error) {
    throw new UserError(`Cannot open the database ${path}: ${(error as Error).message}.`);
  }
  try {
    sqlite.pragma("journal_mode = WAL");
    // A home computer loses power; FULL makes an acknowledged commit survive that, at a small cost per commit.
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    // Statement journals (a statement that fires triggers, or writes many rows inside a transaction, keeps
    // one to undo itself alone) otherwise go to a temporary file: that made every status insert, whose
    // triggers keep account_stats, three times slower. Hearth's temporary data is small.
    sqlite.pragma("temp_store = MEMORY");
  } catch (error) {
    sqlite.close();
    if ((error as { code?: string }).code === "SQLITE_NOTADB") {
      throw new UserError(`${path} is not a Hearth database (not a SQLite file); move it away or choose another --data-dir.`);
    }
    throw error;
  }
  return sqlite;
}

export function openDatabase(path: string): DatabaseHandles {
  const sqlite = openSqlite(path);
  const writeGeneration = new WriteGeneration(sqlite);
  const db = new Kysely<DatabaseSchema>({ dialect: new HearthSqliteDialect(sqlite, writeGeneration) });
  registerPageReadCachesConnection(db, sqlite);
  return { sqlite, db, writeGeneration };
}
