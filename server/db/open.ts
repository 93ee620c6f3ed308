import type { DatabaseHandles } from "./connection.ts";
import { databasePath, openDatabase, prepareDataDirectory } from "./connection.ts";
import { lockDataDirectory } from "./data-dir-lock.ts";
import { migrateToLatest } from "./migrate.ts";

export interface OpenedDatabase extends DatabaseHandles {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * The data directory's database, ready to use: created if new, migrated to this build's schema. The directory
 * is locked first (data-dir-lock.ts), so a directory another process holds is refused before its database is
 * opened, let alone migrated; the lock is held until close().
 */
export async function openDataDirectoryDatabase(dataDir: string): Promise<OpenedDatabase> {
  prepareDataDirectory(dataDir);
  const lock = lockDataDirectory(dataDir);
  const path = databasePath(dataDir);
  let handles: DatabaseHandles;
  try {
    handles = openDatabase(path);
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    await migrateToLatest(handles.db, path);
  } catch (error) {
    try {
      await handles.db.destroy();
    } finally {
      lock.release();
    }
    throw error;
  }
  return {
    ...handles,
    path,
    // Kysely's destroy closes the better-sqlite3 connection, which checkpoints the WAL when it is the last.
    close: async () => {
      try {
        await handles.db.destroy();
      } finally {
        lock.release();
      }
    },
  };
}
