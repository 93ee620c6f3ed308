import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // What a remote actor needs beyond the profile the accounts table already holds. All null for local
  // accounts, whose addresses derive from the canonical origin.
  const remoteColumns: Array<[string, "text"]> = [
    ["actor_type", "text"],
    ["inbox_url", "text"],
    ["shared_inbox_url", "text"],
    ["outbox_url", "text"],
    ["followers_url", "text"],
    ["following_url", "text"],
    ["featured_url", "text"],
    ["public_key_id", "text"],
    ["avatar_remote_url", "text"],
    ["header_remote_url", "text"],
    ["moved_to_uri", "text"],
    ["fetched_at", "text"],
  ];
  for (const [name, type] of remoteColumns) {
    await db.schema.alterTable("accounts").addColumn(name, type).execute();
  }
  await db.schema.alterTable("accounts").addColumn("also_known_as_json", "text", (c) => c.notNull().defaultTo("[]")).execute();
  await db.schema.createIndex("accounts_shared_inbox_url").on("accounts").column("shared_inbox_url").execute();

  // Mastodon keeps follows and follow requests apart; one table with a state says the same with one
  // uniqueness rule, and accepting a request is an update rather than a move between tables.
  await db.schema
    .createTable("follows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('pending', 'accepted')`))
    // The Follow activity's id: ours for outgoing follows, the peer's for incoming ones.
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("show_reblogs", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("notify", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("follows_account_target", ["account_id", "target_account_id"])
    .addCheckConstraint("follows_not_self", sql`account_id <> target_account_id`)
    .execute();
  await db.schema.createIndex("follows_target_state").on("follows").columns(["target_account_id", "state", "id"]).execute();
  await db.schema.createIndex("follows_account_state").on("follows").columns(["account_id", "state", "id"]).execute();
}
