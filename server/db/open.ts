import type { DatabaseHandles } from "./connection.ts";
import { databasePath, openDatabase, prepareDataDirectory } from "./connection.ts";
import { recordCleanStop } from "./clean-stop.ts";
import { DataDirectoryHeldElsewhere, holderSharesThisSchema, lockDataDirectory, readDataDirectoryHolder } from "./data-dir-lock.ts";
import { hasExactlyThisBuildsSchema, migrateToLatest } from "./migrate.ts";
import { checkStorage } from "./storage-check.ts";

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
    // Damaged, read-only or lost storage is refused with one sentence before anything is written.
    checkStorage(dataDir, path);
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
    // Kysely's destroy closes the better-sqlite3 connection, which checkpoints the WAL when it is the last;
    // the file it leaves is recorded, so the next start need not read every page (clean-stop.ts).
    close: async () => {
      try {
        await handles.db.destroy();
        recordCleanStop(path);
      } finally {
        lock.release();
      }
    },
  };
}

/**
 * For the commands that the contract lets run beside `hearth serve` on the same directory (token, backup,
 * import, export, invite): the database as openDataDirectoryDatabase gives it when no one serves the directory;
 * when another process serves it, the same database shared with that process, as SQLite allows, but only if
 * that process runs a build with this build's schema. Nothing is migrated then: a migration under a running
 * Hearth would change the schema it relies on. A holder of another version gets the refusal, and its
 * database is not opened.
 */
export async function openDataDirectoryBesideServe(dataDir: string): Promise<OpenedDatabase> {
  try {
    return await openDataDirectoryDatabase(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirectoryHeldElsewhere) || !holderSharesThisSchema(readDataDirectoryHolder(dataDir))) throw error;
    const path = databasePath(dataDir);
    const handles = openDatabase(path);
    // The holder's word was its build's; the database itself has the last word.
    if (!(await hasExactlyThisBuildsSchema(handles.db))) {
      await handles.db.destroy();
      throw error;
    }
    return { ...handles, path, close: () => handles.db.destroy() };
  }
}
