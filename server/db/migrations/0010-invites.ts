import { sql, type Kysely } from "kysely";

// The owner's invite links, as Mastodon's invites: a code, how many may use it, until when, a note, and
// whether the new member follows the inviter. A revoked invite is kept (with revoked_at) so the list and the
// refusal can say it was revoked rather than that it never was.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("invites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("inviter_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    // NULL: any number of uses.
    .addColumn("max_uses", "integer", (c) => c.check(sql`max_uses IS NULL OR max_uses > 0`))
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    // NULL: never expires.
    .addColumn("expires_at", "text")
    .addColumn("revoked_at", "text")
    .addColumn("autofollow", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}
