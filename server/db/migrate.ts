import { sql, type Kysely } from "kysely";
import { Migrator, type MigrationProvider } from "kysely/migration";
import { UserError } from "../user-error.ts";
import { migrations } from "./migrations/index.ts";

const MIGRATION_TABLE = "kysely_migration";

// Kysely's Migrator works on Kysely<any>: migrations see the schema as it was, not as schema.ts says now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKysely = Kysely<any>;

const provider: MigrationProvider = { getMigrations: async () => migrations };

async function executedMigrationNames(db: AnyKysely): Promise<string[]> {
  const table = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db);
  if (table.rows.length === 0) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/**
 * Brings the database to the schema this build knows, each migration in its own transaction. A database
 * that has migrations this build has never heard of was written by a newer Hearth: running on it could
 * lose what that version stored, so it is refused before anything is touched.
 */
export async function migrateToLatest(db: AnyKysely, databaseFile: string): Promise<string[]> {
  const executed = await executedMigrationNames(db);
  const known = new Set(Object.keys(migrations));
  const unknown = executed.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `${databaseFile} was written by a newer version of Hearth (it has schema change ${unknown[0]}); install that version or newer to open it.`,
    );
  }
  // Every start of an up-to-date database (nearly every start) ends here. Kysely's Migrator would find nothing
  // to do only after reading every table's columns and taking and releasing its lock in two writes (issue #19).
  if (executed.length === known.size) return [];
  const migrator = new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error");
    const name = failed ? ` ${failed.migrationName}` : "";
    throw new Error(`Database migration${name} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

/** Whether the database has had exactly the schema changes this build knows: no fewer, none unknown. */
export async function hasExactlyThisBuildsSchema(db: AnyKysely): Promise<boolean> {
  const executed = await executedMigrationNames(db);
  const known = Object.keys(migrations).sort();
  return executed.length === known.length && executed.every((name, index) => name === known[index]);
}
