import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type Database from "better-sqlite3";
import { Temporal } from "@js-temporal/polyfill";
import type { MessageQueueEnqueueOptions } from "@fedify/fedify";
import { testMessageQueue } from "@fedify/testing";
import { openDatabase, openSqlite } from "../../server/db/connection.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { SqliteMessageQueue, type SqliteMessageQueueOptions } from "../../server/db/fedify-message-queue.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// Fedify runs on the polyfill's Temporal but types its options with lib's, whose typings differ in small details.
const milliseconds = (n: number) =>
  Temporal.Duration.from({ milliseconds: n }) as unknown as NonNullable<MessageQueueEnqueueOptions["delay"]>;

/** A promise the test settles by hand, to hold a handler mid-message. */
/** Each claim is one run of the queue's claiming SELECT on `sqlite`: counted by wrapping the connection's prepare. */
function countClaims(sqlite: Database.Database): { count: number } {
  const claims = { count: 0 };
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.includes("SELECT id, message, attempts")) return statement;
    const all = statement.all.bind(statement);
    statement.all = ((...parameters: unknown[]) => {
      claims.count++;
      return all(...parameters);
    }) as typeof statement.all;
    return statement;
  }) as typeof sqlite.prepare;
  return claims;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("SqliteMessageQueue", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let path: string;
  const connections: Database.Database[] = [];
  const listeners: AbortController[] = [];

  beforeEach(async () => {
    dir = makeTempDir("queue");
    path = `${dir.path}/hearth.db`;
    const { db } = openDatabase(path);
    await migrateToLatest(db, path);
    await db.destroy();
  });

  afterEach(() => {
    for (const listener of listeners.splice(0)) listener.abort();
    for (const sqlite of connections.splice(0)) if (sqlite.open) sqlite.close();
    dir.remove();
  });

  function connect(): Database.Database {
    const sqlite = openSqlite(path);
    connections.push(sqlite);
    return sqlite;
  }

  function makeQueue(options: SqliteMessageQueueOptions = {}, sqlite = connect()): SqliteMessageQueue {
    return new SqliteMessageQueue(sqlite, options);
  }

  function listen(queue: SqliteMessageQueue, handler: (message: unknown) => Promise<void> | void): Promise<void> {
    const controller = new AbortController();
    listeners.push(controller);
    return queue.listen(handler, { signal: controller.signal });
  }

  it("delivers a message enqueued before listening and one enqueued after", async () => {
    const queue = makeQueue();
    const received: unknown[] = [];
    await queue.enqueue({ type: "before", n: 1 });
    void listen(queue, (message) => void received.push(message));
    await waitFor(() => received.length === 1, { what: "the message enqueued before listen" });
    await queue.enqueue({ type: "after", n: 2 });
    await waitFor(() => received.length === 2, { what: "the message enqueued after listen" });
    expect(received).toEqual([{ type: "before", n: 1 }, { type: "after", n: 2 }]);
    expect(await queue.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
  });

  it("wakes at once for a message enqueued in this process, without waiting for a poll", async () => {
    const queue = makeQueue({ pollIntervalMs: 60_000 });
    const received: unknown[] = [];
    void listen(queue, (message) => void received.push(message));
    await queue.enqueue("now");
    await waitFor(() => received.length === 1, { timeoutMs: 2_000, what: "the message" });
  });

  it("finds messages that another connection enqueued, by polling", async () => {
    const listening = makeQueue({ pollIntervalMs: 50 });
    const other = makeQueue({}, connect());
    const received: unknown[] = [];
    void listen(listening, (message) => void received.push(message));
    await other.enqueueMany(["one", "two", "three"]);
    await waitFor(() => received.length === 3, { what: "the messages from the other connection" });
    expect(received.sort()).toEqual(["one", "three", "two"]);
  });

  it("delivers delayed messages when they fall due, in order of due time", async () => {
    const queue = makeQueue();
    const received: { message: unknown; after: number }[] = [];
    const started = Date.now();
    await queue.enqueue(300, { delay: milliseconds(300) });
    await queue.enqueue(100, { delay: milliseconds(100) });
    await queue.enqueue(200, { delay: milliseconds(200) });
    expect(await queue.getDepth()).toEqual({ queued: 3, ready: 0, delayed: 3 });
    void listen(queue, (message) => void received.push({ message, after: Date.now() - started }));
    await waitFor(() => received.length === 3, { what: "the delayed messages" });
    expect(received.map((entry) => entry.message)).toEqual([100, 200, 300]);
    for (const entry of received) expect(entry.after).toBeGreaterThanOrEqual(entry.message as number);
  });

  it("handles messages side by side, up to its concurrency", async () => {
    const queue = makeQueue({ concurrency: 3 });
    const hold = gate();
    const started: unknown[] = [];
    const finished: unknown[] = [];
    await queue.enqueueMany([1, 2, 3, 4, 5]);
    void listen(queue, async (message) => {
      started.push(message);
      await hold.opened;
      finished.push(message);
    });
    await waitFor(() => started.length === 3, { what: "three handlers to start" });
    expect(await queue.getDepth()).toEqual({ queued: 2, ready: 2, delayed: 0 });
    hold.open();
    await waitFor(() => finished.length === 5, { what: "all messages" });
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it("fills free slots a few at a time rather than claiming again as each message finishes", async () => {
    const sqlite = connect();
    const claims = countClaims(sqlite);
    const queue = makeQueue({ concurrency: 8 }, sqlite);
    const messages = Array.from({ length: 80 }, (_, index) => index);
    await queue.enqueueMany(messages);
    const handled: unknown[] = [];
    void listen(queue, async (message) => {
      await new Promise((resolve) => setImmediate(resolve));
      handled.push(message);
    });
    await waitFor(() => handled.length === 80, { what: "all messages" });
    expect([...handled].sort((a, b) => Number(a) - Number(b))).toEqual(messages);
    // One claim per message was 80; two free slots at a time (a quarter of 8) is at most about 40.
    expect(claims.count).toBeLessThanOrEqual(45);
    expect(claims.count).toBeGreaterThan(1);
  });

  it("hands a burst of enqueues sharing a commit to its listener in that commit, without a claim", async () => {
    const sqlite = connect();
    const claims = countClaims(sqlite);
    // A long poll, so only wake-ups claim; handlers that never finish, so no finished handler claims either.
    const queue = makeQueue({ concurrency: 64, pollIntervalMs: 60_000 }, sqlite);
    const handled: unknown[] = [];
    const held = gate();
    void listen(queue, async (message) => {
      handled.push(message);
      await held.opened;
    });
    await waitFor(() => claims.count === 1, { what: "the listener's first look" });
    // Twenty inbox requests of one moment: twenty enqueue() calls, one shared commit.
    await Promise.all(Array.from({ length: 20 }, (_, index) => queue.enqueue(index)));
    await waitFor(() => handled.length === 20, { what: "the burst handled" });
    // Leased to the listener by the commit that stored them, for a crash to leave them to the next start.
    expect(sqlite.prepare("SELECT count(*) AS leased FROM fedify_messages WHERE locked_by IS NOT NULL").get()).toEqual({ leased: 20 });
    held.open();
    await waitFor(async () => (await queue.getDepth()).queued === 0 && handled.length === 20, { what: "the burst removed" });
    // The first look alone (a claim for the burst was 2, one per enqueue 21).
    expect(claims.count).toBe(1);
  });

  it("claims nothing when the messages handed at their enqueue are done: nothing is left to claim", async () => {
    const sqlite = connect();
    const claims = countClaims(sqlite);
    const queue = makeQueue({ concurrency: 8, pollIntervalMs: 60_000 }, sqlite);
    const handled: unknown[] = [];
    void listen(queue, async (message) => {
      await new Promise((resolve) => setImmediate(resolve));
      handled.push(message);
    });
    await waitFor(() => claims.count === 1, { what: "the listener's first look" });
    // Three bursts, each handled before the next comes, so each has free slots to be handed to.
    for (let round = 1; round <= 3; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, index) => queue.enqueue(round * 8 + index)));
      await waitFor(() => handled.length === round * 8, { what: `burst ${round} handled` });
      await waitFor(async () => (await queue.getDepth()).queued === 0, { what: `burst ${round} removed` });
    }
    // The first look alone (22 before: a claim at nearly every handler's end, each finding nothing).
    expect(claims.count).toBe(1);
  });

  it("hands over no more than its free slots, and claims the rest as slots free up", async () => {
    const queue = makeQueue({ concurrency: 4, pollIntervalMs: 60_000 });
    let running = 0;
    let mostRunning = 0;
    const handled: number[] = [];
    const held = gate();
    void listen(queue, async (message) => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      await held.opened;
      running--;
      handled.push(message as number);
    });
    await Promise.all(Array.from({ length: 10 }, (_, index) => queue.enqueue(index)));
    await waitFor(() => running === 4, { what: "four handlers running" });
    held.open();
    await waitFor(() => handled.length === 10, { what: "all ten handled" });
    expect([...handled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostRunning).toBe(4);
    await waitFor(async () => (await queue.getDepth()).queued === 0, { what: "all removed" });
  });

  it("handles messages with the same ordering key one at a time, in order", async () => {
    const queue = makeQueue();
    const hold = gate();
    const started: string[] = [];
    const finished: string[] = [];
    await queue.enqueue("create", { orderingKey: "note-1" });
    await queue.enqueue("update", { orderingKey: "note-1" });
    await queue.enqueue("delete", { orderingKey: "note-1" });
    await queue.enqueue("other note", { orderingKey: "note-2" });
    await queue.enqueue("no key");
    void listen(queue, async (message) => {
      started.push(message as string);
      if (message === "create") await hold.opened;
      finished.push(message as string);
    });
    await waitFor(() => finished.length === 2, { what: "the messages not held back" });
    // While "create" is being handled, nothing else of note-1 may start; other keys go on.
    expect(started.sort()).toEqual(["create", "no key", "other note"]);
    expect(await queue.getDepth()).toMatchObject({ queued: 2 });
    hold.open();
    await waitFor(() => finished.length === 5, { what: "the rest of note-1" });
    expect(finished.filter((message) => ["create", "update", "delete"].includes(message))).toEqual([
      "create",
      "update",
      "delete",
    ]);
  });

  it("delivers a message again after the process died while handling it", async () => {
    const firstConnection = connect();
    // A crash does not wait: the listener gives up on its running handler at once.
    const first = makeQueue({ drainTimeoutMs: 0 }, firstConnection);
    const stuck = gate();
    const firstController = new AbortController();
    let firstReceived: unknown;
    const firstListening = first.listen(
      async (message) => {
        firstReceived = message;
        await stuck.opened;
      },
      { signal: firstController.signal },
    );
    await first.enqueue({ activity: "Create", id: 7 });
    await waitFor(() => firstReceived !== undefined, { what: "the first handler to start" });

    // The "crash": the connection goes while the handler is still running, then the handler ends too late.
    firstConnection.close();
    firstController.abort();
    await firstListening;
    stuck.open();

    const second = makeQueue();
    const received: unknown[] = [];
    expect(await second.getDepth()).toEqual({ queued: 1, ready: 1, delayed: 0 });
    void listen(second, (message) => void received.push(message));
    await waitFor(() => received.length === 1, { what: "the redelivered message" });
    expect(received).toEqual([{ activity: "Create", id: 7 }]);
    await waitFor(async () => (await second.getDepth()).queued === 0, { what: "the handled message to be removed" });
  });

  describe("when the handler throws", () => {
    let now: number;
    const clock = { now: () => now };
    beforeEach(() => {
      now = Date.now();
    });

    it("delivers the message again after a backoff", async () => {
      const queue = makeQueue({ clock, pollIntervalMs: 20 });
      const attempts: number[] = [];
      await queue.enqueue("flaky");
      void listen(queue, () => {
        attempts.push(now);
        if (attempts.length === 1) throw new Error("remote server is down");
      });
      await waitFor(async () => (await queue.getDepth()).delayed === 1, { what: "the message to be rescheduled" });
      expect(attempts).toHaveLength(1);

      now += 2_000;
      await waitFor(() => attempts.length === 2, { what: "the second attempt" });
      await waitFor(async () => (await queue.getDepth()).queued === 0, { what: "the message to be removed" });
    });

    it("gives up after ten attempts", async () => {
      const queue = makeQueue({ clock, pollIntervalMs: 20 });
      let attempts = 0;
      await queue.enqueue("hopeless");
      void listen(queue, () => {
        attempts++;
        throw new Error("always fails");
      });
      for (let attempt = 1; attempt <= 10; attempt++) {
        await waitFor(() => attempts === attempt, { what: `attempt ${attempt}` });
        now += 3_600_000;
      }
      await waitFor(async () => (await queue.getDepth()).queued === 0, { what: "the message to be dropped" });
      expect(attempts).toBe(10);
    });
  });

  it("stops listening when the signal aborts, and picks nothing up afterwards", async () => {
    const queue = makeQueue({ pollIntervalMs: 10 });
    const controller = new AbortController();
    const received: unknown[] = [];
    const listening = queue.listen((message) => void received.push(message), { signal: controller.signal });
    controller.abort();
    await expect(listening).resolves.toBeUndefined();
    await queue.enqueue("late");
    expect(received).toEqual([]);
    expect(await queue.getDepth()).toEqual({ queued: 1, ready: 1, delayed: 0 });

    await expect(queue.listen(() => {}, { signal: AbortSignal.abort() })).resolves.toBeUndefined();
  });

  it("deletes messages handled side by side in shared commits, not one commit each", async () => {
    const sqlite = connect();
    // A delete commits on its own outside a transaction, or with the transaction it runs in: counted both ways.
    let transactions = 0;
    const transactionsWithDeletes = new Set<number>();
    let autocommitDeletes = 0;
    const transaction = sqlite.transaction.bind(sqlite);
    sqlite.transaction = ((work: (...parameters: unknown[]) => unknown) =>
      transaction((...parameters: unknown[]) => {
        transactions++;
        return work(...parameters);
      })) as typeof sqlite.transaction;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((sql: string) => {
      const statement = prepare(sql);
      if (!sql.startsWith("DELETE FROM fedify_messages WHERE id")) return statement;
      const run = statement.run.bind(statement);
      statement.run = ((...parameters: unknown[]) => {
        if (sqlite.inTransaction) transactionsWithDeletes.add(transactions);
        else autocommitDeletes++;
        return run(...parameters);
      }) as typeof statement.run;
      return statement;
    }) as typeof sqlite.prepare;
    const queue = makeQueue({ concurrency: 32 }, sqlite);
    const messages = Array.from({ length: 96 }, (_, index) => index);
    await queue.enqueueMany(messages);
    const handled: unknown[] = [];
    void listen(queue, async (message) => {
      await new Promise((resolve) => setImmediate(resolve));
      handled.push(message);
    });
    await waitFor(() => handled.length === 96, { what: "all messages" });
    await waitFor(async () => (await queue.getDepth()).queued === 0, { what: "every handled message deleted" });
    expect([...handled].sort((a, b) => Number(a) - Number(b))).toEqual(messages);
    // One commit a message was 96; 32 finish in each turn of the event loop, so a few commits do.
    expect(autocommitDeletes + transactionsWithDeletes.size).toBeLessThanOrEqual(24);
    expect(autocommitDeletes + transactionsWithDeletes.size).toBeGreaterThan(0);
  });

  it("lets a running handler finish on a graceful stop, and removes its message", async () => {
    const queue = makeQueue();
    const slow = gate();
    const controller = new AbortController();
    let started = false;
    let finished = false;
    const listening = queue.listen(
      async () => {
        started = true;
        await slow.opened;
        finished = true;
      },
      { signal: controller.signal },
    );
    await queue.enqueue("delivery in flight");
    await waitFor(() => started, { what: "the handler to start" });
    controller.abort();
    slow.open();
    await listening;
    expect(finished).toBe(true);
    expect(await queue.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
  });

  it("passes Fedify's own message queue tests", async () => {
    await testMessageQueue(
      () => makeQueue({ pollIntervalMs: 100 }),
      ({ controller }) => controller.abort(),
      { testOrderingKey: true },
    );
  });
});
