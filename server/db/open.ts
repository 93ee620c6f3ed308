import type { DatabaseHandles } from "./connection.ts";
import { databasePath, openDatabase, prepareDataDirectory } from "./connection.ts";
import { migrateToLatest } from "./migrate.ts";
import { checkStorage } from "./storage-check.ts";

export interface OpenedDatabase extends DatabaseHandles {
  readonly path: string;
  close(): Promise<void>;
}

/** The data directory's database, ready to use: created if new, migrated to this build's schema. */
export async function openDataDirectoryDatabase(dataDir: string): Promise<OpenedDatabase> {
  prepareDataDirectory(dataDir);
  const path = databasePath(dataDir);
  checkStorage(dataDir, path);
  const handles = openDatabase(path);
  try {
    await migrateToLatest(handles.db, path);
  } catch (error) {
    await handles.db.destroy();
    throw error;
  }
  return {
    ...handles,
    path,
    // Kysely's destroy closes the better-sqlite3 connection, which checkpoints the WAL when it is the last.
    close: () => handles.db.destroy(),
  };
}
