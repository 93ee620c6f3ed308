import { sql, type Kysely } from "kysely";

// Adds the moderator role (reports, blocks, suspensions) beside owner and member. SQLite cannot change a
// CHECK constraint in place, so local_users is rebuilt with the same columns and the wider CHECK, its rows
// copied as they are. No table references local_users, so dropping the old one cascades nowhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("local_users_with_roles")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role IN ('owner', 'moderator', 'member')`))
    .addColumn("rsa_public_jwk", "text", (c) => c.notNull())
    .addColumn("rsa_private_jwk", "text", (c) => c.notNull())
    .addColumn("ed25519_public_jwk", "text", (c) => c.notNull())
    .addColumn("ed25519_private_jwk", "text", (c) => c.notNull())
    .addColumn("default_visibility", "text", (c) => c.notNull().defaultTo("public"))
    .addColumn("default_sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("default_language", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO local_users_with_roles (account_id, password_hash, role, rsa_public_jwk, rsa_private_jwk,
      ed25519_public_jwk, ed25519_private_jwk, default_visibility, default_sensitive, default_language, created_at)
    SELECT account_id, password_hash, role, rsa_public_jwk, rsa_private_jwk,
      ed25519_public_jwk, ed25519_private_jwk, default_visibility, default_sensitive, default_language, created_at
    FROM local_users`.execute(db);
  await sql`DROP TABLE local_users`.execute(db);
  await sql`ALTER TABLE local_users_with_roles RENAME TO local_users`.execute(db);
  // There is still exactly one owner.
  await sql`CREATE UNIQUE INDEX local_users_one_owner ON local_users (role) WHERE role = 'owner'`.execute(db);
}
