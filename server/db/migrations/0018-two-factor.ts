import type { Kysely } from "kysely";

// TOTP two-factor sign-in (RFC 6238), per local account. The secret stays on the server: it is shown once, while
// the person sets it up, and never again. Recovery codes are kept only as hashes, each usable once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("two_factor")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    // Base32, as authenticator apps read it from the otpauth:// URI.
    .addColumn("secret", "text", (c) => c.notNull())
    // NULL while set-up waits for the first code from the app: until then sign-in asks for no code.
    .addColumn("enabled_at", "text")
    // The newest time step a code was accepted for: a code of that step or an earlier one is refused, so a
    // code seen over a shoulder cannot be given again within its window.
    .addColumn("last_used_step", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("two_factor_recovery_codes")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("two_factor_recovery_codes_by_account").on("two_factor_recovery_codes").column("account_id").execute();
}
