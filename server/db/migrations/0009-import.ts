import { sql, type Kysely } from "kysely";

// Statuses brought in from another server's archive (`hearth import`) remember the id they had there, so a
// second run, or a run after a crash or Ctrl+C, finds what is already in and adds nothing twice; replies in
// the archive name their parents by those ids too.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("statuses").addColumn("import_uri", "text").execute();
  await sql`CREATE UNIQUE INDEX statuses_account_import_uri ON statuses (account_id, import_uri) WHERE import_uri IS NOT NULL`.execute(db);
}
