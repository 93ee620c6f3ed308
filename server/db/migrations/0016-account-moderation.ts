import { sql, type Kysely } from "kysely";

// What the owner and moderators decide about an account, as Mastodon keeps it: suspended, silenced
// (limited), marked sensitive, and for local accounts sign-in disabled (Mastodon's users.disabled), each the
// time it was decided or null. deleted_at marks a local account deleted: its data is gone, its row stays so
// the username is never given again and its key still signs the Delete(Person) while that is delivered.
// Reports gain what Mastodon's Admin::Report shows: who acted, who took it, when it last changed. A member
// keeps the invite they came by, for the admin list's invited_by.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ["suspended_at", "silenced_at", "sensitized_at", "sign_in_disabled_at", "deleted_at"]) {
    await db.schema.alterTable("accounts").addColumn(column, "text").execute();
  }
  // Every status query leaves out suspended authors and every timeline page limited ones: a few rows each.
  await sql`CREATE INDEX accounts_suspended ON accounts (id) WHERE suspended_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX accounts_silenced ON accounts (id) WHERE silenced_at IS NOT NULL`.execute(db);
  await db.schema
    .alterTable("local_users")
    .addColumn("invite_id", "text", (c) => c.references("invites.id").onDelete("set null"))
    .execute();
  await db.schema
    .alterTable("reports")
    .addColumn("action_taken_by_account_id", "text", (c) => c.references("accounts.id").onDelete("set null"))
    .execute();
  await db.schema
    .alterTable("reports")
    .addColumn("assigned_account_id", "text", (c) => c.references("accounts.id").onDelete("set null"))
    .execute();
  await db.schema.alterTable("reports").addColumn("updated_at", "text").execute();
  await sql`UPDATE reports SET updated_at = created_at`.execute(db);
}
