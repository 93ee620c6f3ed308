import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { UnseenCommits } from "./page-read-caches.ts";
import { isSqliteBusy, writeWhenUnlocked } from "./sqlite-busy.ts";

const logger = getLogger(["hearth", "queue"]);

/** How long a claimed message stays invisible to other listeners; renewed while its handler runs. */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 3_600_000;
/**
 * Most of a delivery is waiting for the peer to answer (100 ms or more across the internet), so a post to
 * 1,000 servers takes 1000 × RTT / concurrency: 25 s at 4, 3 s at 32 (bench/fan-out.ts with
 * BENCH_FANOUT_SINK_DELAY_MS=100 measured 31 s and 7 s). Inbox work is CPU and SQLite, which run one at a
 * time anyway, so more of it in flight costs only memory.
 */
const DEFAULT_CONCURRENCY = 32;
/** How soon a listener looks again when another connection held the write lock. */
const LOCKED_RETRY_MS = 5;

export interface SqliteMessageQueueOptions {
  /** How often to look for messages another connection wrote or a lease that ran out. 1000 ms by default. */
  pollIntervalMs?: number;
  /** How many messages one listener handles at a time. DEFAULT_CONCURRENCY by default. */
  concurrency?: number;
  /** How long a stopped listener waits for handlers already running before it resolves; 10 s by default. */
  drainTimeoutMs?: number;
  clock?: { now(): number };
  /** How a write commits without emptying core's page-read caches (page-read-caches.ts); a plain transaction by default. */
  commits?: UnseenCommits;
}

interface MessageRow {
  id: number;
  message: string;
  attempts: number;
}

type Handler = (message: unknown) => Promise<void> | void;

type MessageValues = [message: string, orderingKey: string | null, dueAt: number, enqueuedAt: number];

/** Messages waiting for the next group commit, with the callers waiting for it. */
interface PendingEnqueue {
  rows: MessageValues[];
  done(error?: unknown): void;
}

/** A listener of this queue in this process, which can be handed messages as they are enqueued. */
interface LocalListener {
  token: string;
  /** Reserves up to `wanted` of its free slots, and answers how many it reserved. */
  reserve(wanted: number): number;
  /** Hands it messages already leased to it, one for each slot reserved; slots reserved for none are let go. */
  take(rows: MessageRow[], reserved: number): void;
}

/**
 * Fedify's message queue in the fedify_messages table: outbound deliveries and inbox work survive a restart.
 * Delivery is at least once: a row is deleted only after its handler resolves.
 */
export class SqliteMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #sqlite: Database.Database;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #drainTimeoutMs: number;
  readonly #clock: { now(): number };
  /** Wakes this queue's listeners when this process enqueues, so they need not wait for the next poll. */
  readonly #enqueued = new EventTarget();
  #pendingEnqueues: PendingEnqueue[] = [];
  /** The listeners running in this process, which take messages enqueued here without claiming them. */
  readonly #localListeners = new Set<LocalListener>();
  /**
   * Whether a due message may be waiting unclaimed, so that a handler's end is worth a claim: false once a claim
   * found fewer than it could take, true again when this process enqueues one it did not hand over or puts one
   * back. What other connections enqueue, and what falls due later, the poll and the due-time timer find.
   */
  #mayHaveUnclaimed = true;
  /** Statements prepared once: preparing anew costs more than running most of these. */
  readonly #statements = new Map<string, Database.Statement>();
  #isCommitting = false;
  /** Handled messages waiting for the next shared delete, with their handlers waiting for it. */
  #pendingDeletes: Array<{ id: number; done(): void }> = [];
  #isDeleting = false;
  /** Each write is one IMMEDIATE transaction (options.commits). */
  readonly #commit: <T>(work: () => T) => T;

  constructor(sqlite: Database.Database, options: SqliteMessageQueueOptions = {}) {
    this.#sqlite = sqlite;
    const commits = options.commits;
    this.#commit = commits ? (work) => commits.commit(work) : (work) => sqlite.transaction(work).immediate();
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.#clock = options.clock ?? Date;
    // Hearth builds one queue per database file, once at start: a lease found now belongs to a process or
    // connection that went away mid-handler, and its message should not wait for the lease to run out. Were the
    // holder still alive after all, the message is handled twice, which at-least-once delivery allows.
    sqlite.prepare("UPDATE fedify_messages SET locked_until = NULL, locked_by = NULL WHERE locked_until IS NOT NULL").run();
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  /**
   * Resolves once the messages are durably stored: an inbox answers 202, and a post is reported done, only
   * then. Enqueues made in the same turn of the event loop share one commit (a group commit), so a burst of
   * inbox requests costs one fsync rather than one each.
   */
  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const now = this.#clock.now();
    const delayMs = Math.max(0, options?.delay?.total({ unit: "millisecond" }) ?? 0);
    const rows = messages.map((message): MessageValues => [JSON.stringify(message), options?.orderingKey ?? null, now + delayMs, now]);
    await new Promise<void>((resolve, reject) => {
      this.#pendingEnqueues.push({ rows, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.#scheduleCommit();
    });
  }

  #scheduleCommit(): void {
    if (this.#isCommitting) return;
    this.#isCommitting = true;
    setImmediate(() => void this.#commitPending());
  }

  async #commitPending(): Promise<void> {
    const batch = this.#pendingEnqueues;
    this.#pendingEnqueues = [];
    const insert = this.#prepare<MessageValues>("INSERT INTO fedify_messages (message, ordering_key, due_at, enqueued_at) VALUES (?, ?, ?, ?)");
    const insertLeased = this.#prepare<[...MessageValues, number, string]>(
      "INSERT INTO fedify_messages (message, ordering_key, due_at, enqueued_at, locked_until, locked_by) VALUES (?, ?, ?, ?, ?, ?)",
    );
    // What each local listener is handed, leased to it in the same commit.
    let handed = new Map<LocalListener, { reserved: number; rows: MessageRow[] }>();
    let isAnyLeftToClaim = false;
    try {
      await writeWhenUnlocked(() =>
        this.#durably(() => {
          // A try that found the write lock taken wrote nothing: what it reserved is reserved again.
          this.#letGo(handed);
          handed = new Map();
          isAnyLeftToClaim = false;
          const now = this.#clock.now();
          for (const { rows } of batch) {
            for (const row of rows) {
              const listener = this.#canBeHanded(row, now) ? this.#listenerWithSlot(handed) : undefined;
              if (listener === undefined) {
                insert.run(...row);
                isAnyLeftToClaim = true;
                continue;
              }
              const id = Number(insertLeased.run(...row, now + LEASE_MS, listener.token).lastInsertRowid);
              handed.get(listener)!.rows.push({ id, message: row[0], attempts: 0 });
            }
          }
        }),
      );
      for (const pending of batch) pending.done();
      // Messages enqueued here go straight to a listener here with a free slot, leased to it in the commit that
      // stores them: a claim is a write transaction of its own, and an inbox activity cost one each
      // (bench/inbox-against-floor.ts). Should the process die before they are handled, the next start frees
      // their leases (the constructor) and they are handled then.
      for (const [listener, { reserved, rows }] of handed) listener.take(rows, reserved);
      handed = new Map();
      // Once a group commit, not once an enqueuer: each wake-up is a claim, a write transaction, and a burst of
      // inbox requests sharing a commit woke the listeners once for every request, to claim nothing after the first.
      if (isAnyLeftToClaim) {
        this.#mayHaveUnclaimed = true;
        this.#enqueued.dispatchEvent(new Event("enqueued"));
      }
    } catch (error) {
      this.#letGo(handed);
      for (const pending of batch) pending.done(error);
    } finally {
      this.#isCommitting = false;
      if (this.#pendingEnqueues.length > 0) this.#scheduleCommit();
    }
  }

  /** A message due now with no ordering key: one with a key waits for those before it, which a claim checks. */
  #canBeHanded(row: MessageValues, now: number): boolean {
    return row[1] === null && row[2] <= now && this.#localListeners.size > 0;
  }

  /** A local listener with a slot reserved for one more message in this commit, if any has one free. */
  #listenerWithSlot(handed: Map<LocalListener, { reserved: number; rows: MessageRow[] }>): LocalListener | undefined {
    for (const [listener, slots] of handed) if (slots.rows.length < slots.reserved) return listener;
    for (const listener of this.#localListeners) {
      if (handed.has(listener)) continue;
      const reserved = listener.reserve(this.#concurrency);
      if (reserved > 0) {
        handed.set(listener, { reserved, rows: [] });
        return listener;
      }
    }
    return undefined;
  }

  #letGo(handed: Map<LocalListener, { reserved: number; rows: MessageRow[] }>): void {
    for (const [listener, { reserved }] of handed) listener.take([], reserved);
  }

  /** One transaction committed with synchronous FULL, whatever the connection's own setting. */
  #durably(write: () => void): void {
    const previous = this.#sqlite.pragma("synchronous", { simple: true });
    this.#sqlite.pragma("synchronous = FULL");
    try {
      this.#commit(write);
    } finally {
      this.#sqlite.pragma(`synchronous = ${Number(previous)}`);
    }
  }

  listen(handler: Handler, options: MessageQueueListenOptions = {}): Promise<void> {
    const { signal } = options;
    const token = randomUUID();
    let inFlight = 0;
    /** Slots kept for messages being handed over by an enqueue's commit (#commitPending). */
    let reserved = 0;
    const running = new Set<Promise<void>>();
    let timer: NodeJS.Timeout | undefined;
    // Each claim is a write transaction and a scan for the ordering keys in use: claiming the next message as
    // each one finishes cost a fan-out to 1,000 inboxes 1,000 claims (a quarter of its queue CPU), so free
    // slots are filled a few at a time.
    const refillAt = Math.max(1, Math.floor(this.#concurrency / 4));

    const pump = (): void => {
      clearTimeout(timer);
      if (signal?.aborted) return;
      let waitMs = this.#pollIntervalMs;
      try {
        for (const row of this.#claim(token, this.#concurrency - inFlight - reserved)) start(row, false);
        // Wake when the next delayed message falls due rather than at the next poll, so delays are kept.
        const nextDueAt = this.#nextDueAt();
        if (nextDueAt !== undefined) waitMs = Math.min(waitMs, Math.max(0, nextDueAt - this.#clock.now()));
      } catch (error) {
        // Another connection is writing (a core transaction between its awaits): look again very soon.
        if (isSqliteBusy(error)) waitMs = LOCKED_RETRY_MS;
        else logger.error("Cannot read the message queue: {error}", { error });
      }
      clearTimeout(timer);
      timer = setTimeout(pump, waitMs);
    };
    const start = (row: MessageRow, wasHanded: boolean): void => {
      inFlight++;
      const handled: Promise<void> = this.#handle(row, token, handler).finally(() => {
        inFlight--;
        running.delete(handled);
        // A claimed message may have held back the next of its ordering key, which is due now.
        if (!wasHanded) this.#mayHaveUnclaimed = true;
        // Messages handed over at their enqueue leave nothing to claim: an empty claim is a write transaction all the same.
        if (this.#mayHaveUnclaimed && (inFlight === 0 || this.#concurrency - inFlight - reserved >= refillAt)) pump();
      });
      running.add(handled);
    };
    const local: LocalListener = {
      token,
      reserve: (wanted) => {
        const granted = Math.max(0, Math.min(wanted, this.#concurrency - inFlight - reserved));
        reserved += granted;
        return granted;
      },
      take: (rows, slots) => {
        reserved -= slots;
        // Stopped between the reservation and the commit: the messages are freed for the next listener.
        if (signal?.aborted) void this.#write("free messages handed to a stopped listener", () => this.#freeLeases(rows));
        else for (const row of rows) start(row, true);
      },
    };
    const renewal = setInterval(() => {
      if (inFlight > 0) void this.#renewLeases(token);
    }, LEASE_MS / 3);

    return new Promise((resolve) => {
      // A graceful stop: take nothing new, give the handlers already running a while to finish (their
      // rows are deleted only then), and leave the rest leased for the next start to deliver again.
      const stop = (): void => {
        clearTimeout(timer);
        this.#enqueued.removeEventListener("enqueued", pump);
        this.#localListeners.delete(local);
        let grace: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((done) => {
          grace = setTimeout(done, this.#drainTimeoutMs);
        });
        void Promise.race([Promise.allSettled([...running]), graceOver]).then(() => {
          clearTimeout(grace);
          clearInterval(renewal);
          resolve();
        });
      };
      if (signal?.aborted) {
        stop();
        return;
      }
      signal?.addEventListener("abort", stop, { once: true });
      this.#enqueued.addEventListener("enqueued", pump);
      this.#localListeners.add(local);
      pump();
    });
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const row = this.#prepare<[number, number], { queued: number; ready: number | null }>(
        `SELECT count(*) AS queued, sum(due_at <= ?) AS ready FROM fedify_messages
         WHERE locked_until IS NULL OR locked_until <= ?`,
      )
      .get(this.#clock.now(), this.#clock.now());
    const queued = row?.queued ?? 0;
    const ready = row?.ready ?? 0;
    return { queued, ready, delayed: queued - ready };
  }

  /**
   * Leases up to `limit` due messages, earliest first, in one write transaction so two listeners (here or on
   * another connection) never take the same one. A message with an ordering key is taken only when no other
   * message of that key is leased and none enqueued before it is due: one at a time, in order.
   */
  #claim(token: string, limit: number): MessageRow[] {
    if (limit <= 0) return [];
    const now = this.#clock.now();
    const select = this.#prepare<[{ now: number; limit: number }], MessageRow>(
      `SELECT id, message, attempts FROM fedify_messages AS m
       WHERE due_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
         AND (ordering_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM fedify_messages AS o
           WHERE o.ordering_key = m.ordering_key AND o.id <> m.id
             AND (o.locked_until > @now OR (o.id < m.id AND o.due_at <= @now))))
       ORDER BY due_at, id LIMIT @limit`,
    );
    const lease = this.#prepare("UPDATE fedify_messages SET locked_until = ?, locked_by = ? WHERE id = ?");
    return this.#commit(() => {
      const rows = select.all({ now, limit });
      for (const row of rows) lease.run(now + LEASE_MS, token, row.id);
      // Fewer than asked for: nothing else is due now (until this process enqueues or puts one back).
      if (rows.length < limit) this.#mayHaveUnclaimed = false;
      return rows;
    });
  }

  #nextDueAt(): number | undefined {
    const next = this.#prepare<[number], { due_at: number | null }>("SELECT min(due_at) AS due_at FROM fedify_messages WHERE due_at > ?");
    const row = next.get(this.#clock.now());
    return row?.due_at ?? undefined;
  }

  async #handle(row: MessageRow, token: string, handler: Handler): Promise<void> {
    // Never call the handler from inside the pump: one that enqueues would re-enter the pump while it is starting it.
    await Promise.resolve();
    try {
      await handler(JSON.parse(row.message));
    } catch (error) {
      await this.#retryLater(row, token, error);
      return;
    }
    await this.#deleteHandled(row.id);
  }

  /**
   * Deletes a handled message together with the others handled in the same turn of the event loop, in one
   * transaction: a fan-out's deliveries finish side by side, and a commit each was the queue's largest cost in
   * bench/fan-out.ts's profile (0.35 ms a delivery). Resolves once the row is gone (or the delete failed and
   * was logged: the lease then runs out and the message is delivered again, which at-least-once allows).
   */
  #deleteHandled(id: number): Promise<void> {
    return new Promise((resolve) => {
      this.#pendingDeletes.push({ id, done: resolve });
      this.#scheduleDeletes();
    });
  }

  #scheduleDeletes(): void {
    if (this.#isDeleting) return;
    this.#isDeleting = true;
    setImmediate(() => void this.#deletePending());
  }

  async #deletePending(): Promise<void> {
    const batch = this.#pendingDeletes;
    this.#pendingDeletes = [];
    try {
      await this.#write("delete handled messages", () => {
        // #write commits it as one transaction.
        const remove = this.#prepare("DELETE FROM fedify_messages WHERE id = ?");
        for (const { id } of batch) remove.run(id);
      });
    } finally {
      for (const pending of batch) pending.done();
      this.#isDeleting = false;
      if (this.#pendingDeletes.length > 0) this.#scheduleDeletes();
    }
  }

  /**
   * Fedify retries failed deliveries itself by enqueuing them again, so this backoff only catches handlers that
   * throw: a few spaced attempts, then the message is dropped rather than retried forever.
   */
  async #retryLater(row: MessageRow, token: string, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    if (attempts >= MAX_ATTEMPTS) {
      logger.warn("Dropping a queued message after {attempts} failed attempts: {error}", { attempts, error });
      await this.#write("drop a failed message", () => {
        this.#prepare("DELETE FROM fedify_messages WHERE id = ?").run(row.id);
      });
      return;
    }
    const backoffMs = Math.min(1000 * 2 ** attempts, MAX_BACKOFF_MS);
    logger.info("A queued message failed (attempt {attempts}); retrying in {seconds} s: {error}", {
      attempts,
      seconds: backoffMs / 1000,
      error,
    });
    this.#mayHaveUnclaimed = true;
    await this.#write("reschedule a failed message", () => {
      this.#prepare(
          `UPDATE fedify_messages SET attempts = ?, due_at = ?, locked_until = NULL, locked_by = NULL
           WHERE id = ? AND locked_by = ?`,
        )
        .run(attempts, this.#clock.now() + backoffMs, row.id, token);
    });
  }

  #freeLeases(rows: readonly MessageRow[]): void {
    const free = this.#prepare("UPDATE fedify_messages SET locked_until = NULL, locked_by = NULL WHERE id = ?");
    for (const row of rows) free.run(row.id);
  }

  async #renewLeases(token: string): Promise<void> {
    await this.#write("renew leases", () => {
      this.#prepare("UPDATE fedify_messages SET locked_until = ? WHERE locked_by = ?").run(this.#clock.now() + LEASE_MS, token);
    });
  }

  /**
   * Writes that follow a handler wait their turn when another connection holds the write lock, and may run
   * after the caller closed the connection (shutdown with work in flight). The lease then runs out or is
   * released at the next start, and the message is delivered again.
   */
  async #write(what: string, write: () => void): Promise<void> {
    try {
      await writeWhenUnlocked(() => this.#commit(write));
    } catch (error) {
      logger.warn("Cannot {what} in the message queue: {error}", { what, error });
    }
  }

  #prepare<Parameters extends unknown[] | object = unknown[], Row = unknown>(sql: string): Database.Statement<Parameters, Row> {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Row>;
  }
}
