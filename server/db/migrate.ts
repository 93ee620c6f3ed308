import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { UserError } from "../user-error.ts";
import { migrations } from "./migrations/index.ts";

const MIGRATION_TABLE = "kysely_migration";

// Migrations see the schema as it was, not as schema.ts says now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKysely = Kysely<any>;

async function executedMigrationNames(db: AnyKysely): Promise<string[]> {
  const table = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db);
  if (table.rows.length === 0) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/** Kysely's Migrator's table and timestamps, so databases migrated before and after read the same. */
async function latestExecutedAt(db: AnyKysely): Promise<number> {
  await sql`CREATE TABLE IF NOT EXISTS ${sql.table(MIGRATION_TABLE)} ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`.execute(db);
  const rows = await sql<{ timestamp: string }>`SELECT timestamp FROM ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.rows.reduce((latest, row) => Math.max(latest, new Date(row.timestamp).getTime() || 0), 0);
}

/**
 * One migration and the row that records it, committed together or not at all. Kysely's Migrator runs SQLite
 * migrations outside any transaction (its SQLite adapter says DDL is not transactional, though in SQLite it
 * is): a start killed, or a migration failing, between a migration's first statement and its row left a
 * database that every later start failed to migrate ("table fedify_kv already exists", issue #16).
 *
 * Foreign keys are off while a migration runs, as SQLite's procedure for rebuilding a table asks (dropping a
 * parent table with them on would delete or refuse its children), and checked before the commit instead: a
 * migration that leaves a row pointing nowhere fails and leaves nothing. The pragma is a no-op inside a
 * transaction, hence around it. A migration that wants ON DELETE actions must therefore delete children itself.
 */
async function runInItsOwnTransaction(db: AnyKysely, name: string, migration: Migration, executedAt: number): Promise<void> {
  const foreignKeys = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db);
  const wereOn = foreignKeys.rows[0]?.foreign_keys === 1;
  if (wereOn) await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await migration.up(trx);
      await sql`INSERT INTO ${sql.table(MIGRATION_TABLE)} (name, timestamp) VALUES (${name}, ${new Date(executedAt).toISOString()})`.execute(trx);
      const dangling = await sql<{ table: string; parent: string }>`PRAGMA foreign_key_check`.execute(trx);
      const first = dangling.rows[0];
      if (first) throw new Error(`it leaves ${dangling.rows.length} row(s) whose foreign key points nowhere (first: a row of ${first.table} naming a missing ${first.parent})`);
    });
  } finally {
    if (wereOn) await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

/**
 * Brings the database to the schema this build knows, each migration in its own transaction with its row in
 * kysely_migration. A database that has migrations this build has never heard of was written by a newer
 * Hearth: running on it could lose what that version stored, so it is refused before anything is touched.
 * `known` is every migration of this build; tests give others.
 */
export async function migrateToLatest(db: AnyKysely, databaseFile: string, known: Readonly<Record<string, Migration>> = migrations): Promise<string[]> {
  const executed = await executedMigrationNames(db);
  const names = Object.keys(known).sort();
  const unknown = executed.filter((name) => !Object.hasOwn(known, name));
  if (unknown.length > 0) {
    throw new UserError(
      `${databaseFile} was written by a newer version of Hearth (it has schema change ${unknown[0]}); install that version or newer to open it.`,
    );
  }
  // Every start of an up-to-date database (nearly every start) ends here, after two reads (issue #19).
  if (executed.length === names.length) return [];
  // Migrations run in name order; one older than a migration already run would run on a schema it never knew.
  const skipped = names.slice(0, executed.length).find((name, index) => name !== executed[index]);
  if (skipped) {
    throw new UserError(`${databaseFile} has later schema changes but not ${skipped}; restore a backup or ask for help before opening it.`);
  }
  let executedAt = await latestExecutedAt(db);
  const ran: string[] = [];
  for (const name of names.slice(executed.length)) {
    // Kysely orders executed migrations by these times: each one later than the last, even if the clock is behind.
    executedAt = Math.max(Date.now(), executedAt + 1);
    try {
      await runInItsOwnTransaction(db, name, known[name]!, executedAt);
    } catch (error) {
      throw new Error(`Database migration ${name} failed: ${(error as Error).message}`, { cause: error });
    }
    ran.push(name);
  }
  return ran;
}

/** Whether the database has had exactly the schema changes this build knows: no fewer, none unknown. */
export async function hasExactlyThisBuildsSchema(db: AnyKysely): Promise<boolean> {
  const executed = await executedMigrationNames(db);
  const known = Object.keys(migrations).sort();
  return executed.length === known.length && executed.every((name, index) => name === known[index]);
}
