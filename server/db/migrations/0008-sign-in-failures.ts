import type { Kysely } from "kysely";

// Wrong passwords given at sign-in, for the owner to see in settings (who tried which username, from where).
// Kept on disk so that failures from while the owner was away survive the restarts a desktop computer goes
// through; core keeps only the newest rows, so the table stays small however many guesses arrive.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sign_in_failures")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("created_at", "text", (c) => c.notNull())
    // The username as typed (cut short), whether or not such an account exists.
    .addColumn("username", "text", (c) => c.notNull())
    // The client as the server knows it: Cloudflare's Cf-Connecting-IP through the tunnel, else the socket's.
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("user_agent", "text")
    .execute();
}
