import type { Transaction } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import type { CoreContext } from "./context.ts";
import type { CoreEvent } from "./events.ts";
import type { OutboundActivity } from "./ports.ts";

/** The open transaction of a write: every statement of one write runs on it, or none commits. */
export type WriteTransaction = Transaction<DatabaseSchema>;

/** What a write has others do once it has committed, and never when it rolls back. */
export interface AfterCommit {
  /** For the streaming API, Web Push and the desktop shell: emitted after the commit, in order. */
  emit(event: CoreEvent): void;
  /**
   * For peers: recorded in the outbox inside this same transaction, so it commits with the write or not at
   * all, then handed to the delivery queue after the commit (and again after a crash, from the outbox).
   */
  publish(activity: OutboundActivity): void;
}

/**
 * The one way core writes: `work` runs in a transaction with the effects it asks for collected, the
 * outbound activities are stored in the outbox before COMMIT, and only after the commit are the events
 * emitted and the outbox drained. A throw anywhere in `work` rolls back the rows and drops the effects.
 */
export async function write<T>(ctx: CoreContext, work: (trx: WriteTransaction, after: AfterCommit) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return joinOpenWrite(ctx.db as WriteTransaction, work);
  const events: CoreEvent[] = [];
  const activities: OutboundActivity[] = [];
  const after: AfterCommit = { emit: (event) => events.push(event), publish: (activity) => activities.push(activity) };
  const result = await ctx.db.transaction().execute(async (trx) => {
    openWrites.set(trx, after);
    const value = await work(trx, after);
    if (activities.length > 0) {
      const recordedAt = ctx.clock.now().toISOString();
      await trx
        .insertInto("outbox")
        .values(activities.map((activity) => ({ activity_json: JSON.stringify(activity), recorded_at: recordedAt })))
        .execute();
    }
    return value;
  });
  for (const event of events) ctx.events.emit(event);
  if (activities.length > 0) await ctx.ports.outbox.deliverPending();
  return result;
}

/**
 * The effects of each open write, by its transaction. Keyed by the transaction object, so nothing is shared
 * between writes (or between instances in one process), and an entry goes with its transaction.
 */
const openWrites = new WeakMap<WriteTransaction, AfterCommit>();

/**
 * A write made with a context whose db is the transaction of a write already open (`{ ...ctx, db: trx }`)
 * is part of that write: its rows commit with it and its effects wait for that commit. SQLite has one
 * writer, so a second transaction here would wait for the first forever.
 */
function joinOpenWrite<T>(trx: WriteTransaction, work: (trx: WriteTransaction, after: AfterCommit) => Promise<T>): Promise<T> {
  const after = openWrites.get(trx);
  if (!after) throw new Error("write() was given a transaction that write() did not open.");
  return work(trx, after);
}
