import { AsyncLocalStorage } from "node:async_hooks";
import { sql, type Kysely, type Transaction } from "kysely";
import { isDurabilityRelaxed, withRelaxedDurability } from "../db/durability.ts";
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
  if (sharing.getStore() === true && isDurabilityRelaxed()) return sharedWrite(ctx, work);
  const events: CoreEvent[] = [];
  const activities: OutboundActivity[] = [];
  const after: AfterCommit = { emit: (event) => events.push(event), publish: (activity) => activities.push(activity) };
  const result = await ctx.db.transaction().execute(async (trx) => {
    openWrites.set(trx, after);
    const value = await work(trx, after);
    await recordInOutbox(ctx, trx, activities);
    return value;
  });
  await runAfterCommit(ctx, events, activities);
  return result;
}

/** A committed write's effects: its events emitted, then the outbox drained if it recorded activities. */
async function runAfterCommit(ctx: CoreContext, events: readonly CoreEvent[], activities: readonly OutboundActivity[]): Promise<void> {
  for (const event of events) ctx.events.emit(event);
  if (activities.length > 0) await ctx.ports.outbox.deliverPending();
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

async function recordInOutbox(ctx: CoreContext, trx: WriteTransaction, activities: OutboundActivity[]): Promise<void> {
  if (activities.length === 0) return;
  const recordedAt = ctx.clock.now().toISOString();
  await trx
    .insertInto("outbox")
    .values(activities.map((activity) => ({ activity_json: JSON.stringify(activity), recorded_at: recordedAt })))
    .execute();
}

/** Work whose writes may share one transaction with the other shared writes of the same moment. */
const sharing = new AsyncLocalStorage<true>();

/**
 * Writes made inside `work` with relaxed durability (db/durability.ts: an inbox activity, already stored durably
 * in the queue) may commit together with others of the same moment: one transaction, each write in a savepoint of
 * its own, so a write that throws rolls back its rows alone. Each resolves, and its effects run, only after the
 * shared COMMIT. A transaction each cost a status arriving half of its SQL time (bench/inbox-against-floor.ts):
 * COMMIT writes every page the write dirtied, and FTS5 flushes its pending terms into a new segment, which a
 * group of writes shares.
 */
export function withSharedCommits<T>(work: () => Promise<T>): Promise<T> {
  return sharing.run(true, work);
}

/**
 * Rows of one kind a shared write leaves for its group to insert after every savepoint of the group, by key:
 * FTS5 flushes its pending terms into the index at each savepoint, so a status's search rows inserted inside
 * its write's savepoint cost twice what they cost once the group's savepoints are done (issue #19). What a
 * write sets or removes counts only if the write keeps its rows, and a later write's wins over an earlier's.
 */
export interface DeferredRowKind<Value> {
  /** Inserts the rows the group's writes kept, in the shared transaction, before its COMMIT. */
  insert(trx: WriteTransaction, rows: ReadonlyMap<string, Value>): Promise<void>;
}

/** A shared write's rows of one kind, waiting for the end of its group. */
export interface DeferredRows<Value> {
  set(key: string, value: Value): void;
  /** The row of `key` is gone: one set earlier by this write or by an earlier write of the group is not inserted. */
  remove(key: string): void;
}

type AnyDeferredRowKind = DeferredRowKind<never>;
/** Per kind, each key's value, or null where the write removed it. */
type WriteDeferrals = Map<AnyDeferredRowKind, Map<string, unknown>>;

/** The deferrals of the shared write now running in each group's transaction. */
const runningDeferrals = new WeakMap<WriteTransaction, WriteDeferrals>();

/**
 * Where a write made on `db` leaves its rows of `kind` for the end of its group; undefined outside a shared
 * write, where the caller inserts them at once.
 */
export function deferredRowsOf<Value>(db: Kysely<DatabaseSchema>, kind: DeferredRowKind<Value>): DeferredRows<Value> | undefined {
  const deferrals = db.isTransaction ? runningDeferrals.get(db as WriteTransaction) : undefined;
  if (!deferrals) return undefined;
  const anyKind = kind as unknown as AnyDeferredRowKind;
  let rows = deferrals.get(anyKind);
  if (!rows) {
    rows = new Map();
    deferrals.set(anyKind, rows);
  }
  const own = rows;
  return { set: (key, value) => void own.set(key, value), remove: (key) => void own.set(key, null) };
}

/** A kept write's deferrals laid over the group's: its removals take out what earlier writes set. */
function keepDeferrals(group: WriteDeferrals, write: WriteDeferrals): void {
  for (const [kind, rows] of write) {
    let kept = group.get(kind);
    if (!kept) {
      kept = new Map();
      group.set(kind, kept);
    }
    for (const [key, value] of rows) {
      if (value === null) kept.delete(key);
      else kept.set(key, value);
    }
  }
}

async function insertDeferred(trx: WriteTransaction, group: WriteDeferrals): Promise<void> {
  for (const [kind, rows] of group) if (rows.size > 0) await kind.insert(trx, rows as unknown as ReadonlyMap<string, never>);
}

/** At most this many writes share a transaction, so the first of them waits for few others. */
const MAX_SHARED_WRITES = 16;

interface SharedWrite {
  ctx: CoreContext;
  work: (trx: WriteTransaction, after: AfterCommit) => Promise<unknown>;
  /** The async context of the write() call, so its work sees its own (logging, durability), not the group's. */
  inItsContext: <R>(run: () => R) => R;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface WriteGroup {
  waiting: SharedWrite[];
  isRunning: boolean;
}

/** One group per database handle: two instances in one process never share a transaction. */
const writeGroups = new WeakMap<Kysely<DatabaseSchema>, WriteGroup>();

function sharedWrite<T>(ctx: CoreContext, work: (trx: WriteTransaction, after: AfterCommit) => Promise<T>): Promise<T> {
  let group = writeGroups.get(ctx.db);
  if (!group) {
    group = { waiting: [], isRunning: false };
    writeGroups.set(ctx.db, group);
  }
  const joined = group;
  return new Promise<T>((resolve, reject) => {
    joined.waiting.push({ ctx, work, inItsContext: AsyncLocalStorage.snapshot(), resolve: (value) => resolve(value as T), reject });
    scheduleGroup(ctx.db, joined);
  });
}

function scheduleGroup(db: Kysely<DatabaseSchema>, group: WriteGroup): void {
  if (group.isRunning || group.waiting.length === 0) return;
  group.isRunning = true;
  // One turn of the event loop later, so the writes asked for in this turn join the first.
  setImmediate(() => {
    void commitGroup(db, group.waiting.splice(0, MAX_SHARED_WRITES)).then((outcomes) => {
      // The group is free before any effect runs: an effect that writes (the outbox drain removing what it
      // handed on) joins the next group, and would wait for this one forever.
      group.isRunning = false;
      scheduleGroup(db, group);
      void settleInOrder(outcomes);
    });
  });
}

interface WriteOutcome {
  write: SharedWrite;
  events: CoreEvent[];
  activities: OutboundActivity[];
  value?: unknown;
  error?: unknown;
  failed: boolean;
}

/** Runs the writes in one transaction; never throws: a failed transaction fails each write with its error. */
async function commitGroup(db: Kysely<DatabaseSchema>, writes: SharedWrite[]): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  try {
    await withRelaxedDurability(() =>
      db.transaction().execute(async (trx) => {
        const deferred: WriteDeferrals = new Map();
        for (const shared of writes) outcomes.push(await runInSavepoint(trx, shared, deferred));
        await insertDeferred(trx, deferred);
      }),
    );
    return outcomes;
  } catch (error) {
    // The transaction itself failed (its COMMIT, or SQLite ended it): no write of the group is stored.
    return writes.map((shared) => ({ write: shared, events: [], activities: [], error, failed: true }));
  }
}

/** One after the other, as the writes' own transactions would have answered. */
async function settleInOrder(outcomes: WriteOutcome[]): Promise<void> {
  for (const outcome of outcomes) await settle(outcome);
}

/** A write's effects after the shared commit, as write() runs them after its own, then its answer. */
async function settle(outcome: WriteOutcome): Promise<void> {
  const shared = outcome.write;
  if (outcome.failed) return shared.reject(outcome.error);
  try {
    await shared.inItsContext(() => runAfterCommit(shared.ctx, outcome.events, outcome.activities));
  } catch (error) {
    return shared.reject(error);
  }
  shared.resolve(outcome.value);
}

async function runInSavepoint(trx: WriteTransaction, shared: SharedWrite, groupDeferrals: WriteDeferrals): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { write: shared, events: [], activities: [], failed: false };
  const after: AfterCommit = { emit: (event) => outcome.events.push(event), publish: (activity) => outcome.activities.push(activity) };
  const deferrals: WriteDeferrals = new Map();
  openWrites.set(trx, after);
  runningDeferrals.set(trx, deferrals);
  await sql`savepoint shared_write`.execute(trx);
  try {
    outcome.value = await shared.inItsContext(() => shared.work(trx, after));
    await recordInOutbox(shared.ctx, trx, outcome.activities);
  } catch (error) {
    // A failure that ended the whole transaction makes this rollback throw, and the group fails with it.
    await sql`rollback to shared_write`.execute(trx);
    outcome.failed = true;
    outcome.error = error;
    outcome.events = [];
    outcome.activities = [];
  }
  runningDeferrals.delete(trx);
  await sql`release shared_write`.execute(trx);
  if (!outcome.failed) keepDeferrals(groupDeferrals, deferrals);
  return outcome;
}
