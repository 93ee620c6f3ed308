import { sql, type Kysely } from "kysely";

// Times here are integer milliseconds since the epoch, not the ISO text of the other tables: the queue and the
// key-value store do arithmetic on them (due times, leases, TTLs) on every poll.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("fedify_kv")
    // The key as a JSON array of strings, so a prefix scan is a range scan on this primary key.
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expires_at", "integer")
    .addColumn("written_at", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("fedify_kv_expires_at")
    .on("fedify_kv")
    .column("expires_at")
    .where(sql.ref("expires_at"), "is not", null)
    .execute();

  await db.schema
    .createTable("fedify_messages")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("ordering_key", "text")
    .addColumn("due_at", "integer", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "integer")
    .addColumn("locked_by", "text")
    .addColumn("enqueued_at", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("fedify_messages_due").on("fedify_messages").columns(["due_at", "id"]).execute();
  await db.schema
    .createIndex("fedify_messages_ordering_key")
    .on("fedify_messages")
    .columns(["ordering_key", "id"])
    .where(sql.ref("ordering_key"), "is not", null)
    .execute();
}
