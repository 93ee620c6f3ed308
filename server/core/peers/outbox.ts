import type { CoreContext } from "../context.ts";
import type { OutboundActivity } from "../ports.ts";
import { write } from "../write.ts";

/** An activity waiting in the outbox, as recorded by core/write.ts. */
export interface PendingOutbound {
  id: number;
  activity: OutboundActivity;
  /** When the write recorded it: the time its activity ids and dates are made from. */
  recordedAt: Date;
  attempts: number;
}

/**
 * The oldest rows due now (never tried, or whose retry time has come), in the order they were written; with
 * `includePostponed`, every row (at start, when whatever failed before may have passed).
 */
export async function listDueOutbound(ctx: CoreContext, limit: number, { includePostponed = false } = {}): Promise<PendingOutbound[]> {
  const now = ctx.clock.now().toISOString();
  const rows = await ctx.db
    .selectFrom("outbox")
    .select(["id", "activity_json", "recorded_at", "attempts"])
    .$if(!includePostponed, (query) => query.where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)])))
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    activity: JSON.parse(row.activity_json) as OutboundActivity,
    recordedAt: new Date(row.recorded_at),
    attempts: row.attempts,
  }));
}

/** The row's activity is in the delivery queue: it leaves the outbox. */
export async function removeOutbound(ctx: CoreContext, id: number): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("outbox").where("id", "=", id).execute());
}

/** A try failed (the queue could not take it): tried again after `retryInMs`, with the reason kept. */
export async function postponeOutbound(ctx: CoreContext, id: number, retryInMs: number, reason: string): Promise<void> {
  const next = new Date(ctx.clock.now().getTime() + retryInMs).toISOString();
  await write(ctx, (trx) =>
    trx
      .updateTable("outbox")
      .set((eb) => ({ attempts: eb("attempts", "+", 1), next_attempt_at: next, last_error: reason.slice(0, 1000) }))
      .where("id", "=", id)
      .execute(),
  );
}
