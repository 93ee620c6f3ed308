import type { Kysely } from "kysely";

// A local account's moves to another account, as Mastodon's account_migrations: kept after the move is
// undone, because the cooldown between moves counts from the last one made, not from the one in force.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("account_migrations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    // The target's ActivityPub id, as it was when it listed the account in its alsoKnownAs.
    .addColumn("target_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("account_migrations_by_account").on("account_migrations").columns(["account_id", "created_at"]).execute();
}
