import { sql, type Kysely } from "kysely";

// A table of its own rather than columns on `instance`: the tunnel can be configured before the instance is set
// up (the first-run wizard), and the token is a secret that must never ride along when the instance row is read
// and serialised for the API.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("tunnel_settings")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("mode", "text", (c) => c.notNull().defaultTo("off").check(sql`mode IN ('off', 'quick', 'named')`))
    // The public hostname routed to the named tunnel in the Cloudflare dashboard, e.g. social.example.
    .addColumn("hostname", "text")
    // The named tunnel's token: cloudflared needs it as it is, so it cannot be hashed; it only ever leaves the
    // database for cloudflared's environment.
    .addColumn("token", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}
