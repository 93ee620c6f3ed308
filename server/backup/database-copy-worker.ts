// The database half of a backup, in a worker thread: SQLite's online backup and integrity_check are each one
// long synchronous call, which on the serving instance's thread would stop every request for their length.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../db/connection.ts";
import { readDatabaseFigures } from "./manifest.ts";
import type { DatabaseCopyReply, DatabaseCopyRequest } from "./database-copy.ts";

/** better-sqlite3's largest step: the rest of the database at once. */
const ALL_PAGES = 0x7fffffff;

async function copyAndCheck({ sourcePath, copyPath }: DatabaseCopyRequest): Promise<DatabaseCopyReply> {
  const post = (reply: DatabaseCopyReply) => parentPort?.postMessage(reply);
  post({ kind: "progress", progress: { step: "copying the database", done: 0, total: 1 } });
  // A connection of this thread's own to the live file: in WAL mode it reads beside the instance's writers.
  const source = new Database(sourcePath, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    await source.backup(copyPath, {
      // Every page in one step, inside one read transaction: a copy made in steps starts over whenever another
      // connection writes between two of them, so a busy instance could keep it from ever ending. In WAL mode
      // the instance's writers go on meanwhile; the copy is the database as of the step's start.
      progress: () => ALL_PAGES,
    });
  } finally {
    source.close();
  }
  post({ kind: "progress", progress: { step: "copying the database", done: 1, total: 1 } });
  post({ kind: "progress", progress: { step: "checking the copy", done: 0, total: 1 } });
  const copy = openDatabase(copyPath);
  try {
    const integrity = copy.sqlite.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") {
      return { kind: "refused", message: `The copy of the database failed its integrity check (${String(integrity)}); the database may be damaged.` };
    }
    const figures = await readDatabaseFigures(copy.db);
    // One self-contained file: no -wal beside it in the archive.
    copy.sqlite.pragma("journal_mode = DELETE");
    post({ kind: "progress", progress: { step: "checking the copy", done: 1, total: 1 } });
    return { kind: "copied", figures };
  } finally {
    await copy.db.destroy();
  }
}

copyAndCheck(workerData as DatabaseCopyRequest).then(
  (reply) => parentPort?.postMessage(reply),
  (error: unknown) => parentPort?.postMessage({ kind: "failed", message: (error as Error).message } satisfies DatabaseCopyReply),
);
