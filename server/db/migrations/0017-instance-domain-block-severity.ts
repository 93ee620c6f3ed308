import { sql, type Kysely } from "kysely";

// Instance domain blocks as Mastodon's DomainBlock: a severity (suspend, silence, noop), media and reports
// refused on their own, a comment for moderators and one for the public, whether the public list hides the
// domain, and when the block last changed. Rows from before were refusals of everything: they stay suspend,
// and their reason becomes the private comment (it was never shown to anyone).
export async function up(db: Kysely<unknown>): Promise<void> {
  const table = "instance_domain_blocks";
  await db.schema
    .alterTable(table)
    .addColumn("severity", "text", (c) => c.notNull().defaultTo("suspend").check(sql`severity IN ('suspend', 'silence', 'noop')`))
    .execute();
  await db.schema.alterTable(table).addColumn("reject_media", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable(table).addColumn("reject_reports", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable(table).addColumn("private_comment", "text").execute();
  await db.schema.alterTable(table).addColumn("public_comment", "text").execute();
  await db.schema.alterTable(table).addColumn("obfuscate", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable(table).addColumn("updated_at", "text").execute();
  await sql`UPDATE instance_domain_blocks SET private_comment = reason, updated_at = created_at`.execute(db);
}
