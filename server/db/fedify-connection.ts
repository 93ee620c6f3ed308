import type Database from "better-sqlite3";
import { openSqlite } from "./connection.ts";

/**
 * Fedify's own connection to hearth.db, for its key-value store and message queue.
 *
 * Core's transactions (kysely) hold SQLite's write lock across awaits. A write here that waited for that lock
 * inside SQLite (busy_timeout) would block the event loop, and with it the very transaction it waits for: the
 * process would stall for the whole timeout and then fail with SQLITE_BUSY. So a write here fails at once
 * when the lock is taken, and is tried again after the event loop has turned (sqlite-busy.ts).
 *
 * Most writes here need no fsync each: a cache entry, a lease, the deletion of a handled message. A power cut
 * may lose the last of them, which at worst refetches a document or handles a message again (delivery is at
 * least once). The write that is a promise, enqueueing, commits with synchronous FULL (fedify-message-queue.ts),
 * and its fsync makes everything written before it durable too.
 */
export function openFedifySqlite(path: string): Database.Database {
  const sqlite = openSqlite(path);
  sqlite.pragma("busy_timeout = 0");
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}
