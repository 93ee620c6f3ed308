import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("instance")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("canonical_origin", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("domain", "text")
    .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note_source", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("fields_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("is_locked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_bot", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_discoverable", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("is_indexable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("avatar_file", "text")
    .addColumn("header_file", "text")
    .addColumn("uri", "text", (c) => c.unique())
    .addColumn("url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // Usernames are case-insensitive per domain, as in Mastodon; NULL domains would escape a plain UNIQUE.
  await sql`CREATE UNIQUE INDEX accounts_username_domain ON accounts (lower(username), coalesce(domain, ''))`.execute(db);

  await db.schema
    .createTable("local_users")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role IN ('owner', 'member')`))
    .addColumn("rsa_public_jwk", "text", (c) => c.notNull())
    .addColumn("rsa_private_jwk", "text", (c) => c.notNull())
    .addColumn("ed25519_public_jwk", "text", (c) => c.notNull())
    .addColumn("ed25519_private_jwk", "text", (c) => c.notNull())
    .addColumn("default_visibility", "text", (c) => c.notNull().defaultTo("public"))
    .addColumn("default_sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("default_language", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // There is exactly one owner; invited members are the others.
  await sql`CREATE UNIQUE INDEX local_users_one_owner ON local_users (role) WHERE role = 'owner'`.execute(db);

  await db.schema
    .createTable("oauth_applications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("website", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull().unique())
    .addColumn("client_secret_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("oauth_access_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("application_id", "text", (c) => c.notNull().references("oauth_applications.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("oauth_access_tokens_account").on("oauth_access_tokens").column("account_id").execute();
}
