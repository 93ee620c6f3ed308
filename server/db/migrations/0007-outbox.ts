import type { Kysely } from "kysely";

// What a write must federate, recorded in the write's own transaction: a crash, a kill or a full disk
// between the commit and Fedify's queue no longer loses the activity, because the drain finds the row again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("outbox")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    // core/ports.ts's OutboundActivity as JSON: ids of committed rows, or a snapshot of what is gone.
    .addColumn("activity_json", "text", (c) => c.notNull())
    // The activity's time: ids and dates built from it stay the same when the row is sent again.
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text")
    .addColumn("last_error", "text")
    .execute();
}
