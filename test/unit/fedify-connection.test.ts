import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandles } from "../../server/db/connection.ts";
import { openFedifySqlite } from "../../server/db/fedify-connection.ts";
import { SqliteKvStore } from "../../server/db/fedify-kv-store.ts";
import { SqliteMessageQueue } from "../../server/db/fedify-message-queue.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("Fedify's connection beside core's", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let core: DatabaseHandles;
  let fedify: Database.Database;

  beforeEach(async () => {
    dir = makeTempDir("fedify-connection");
    const path = `${dir.path}/hearth.db`;
    core = openDatabase(path);
    await migrateToLatest(core.db, path);
    fedify = openFedifySqlite(path);
  });
  afterEach(async () => {
    fedify.close();
    await core.db.destroy();
    dir.remove();
  });

  /** A core transaction that has written and then awaits, holding SQLite's write lock across the event loop. */
  async function coreTransactionHoldingTheLock(whileHeld: () => void): Promise<{ heldMs: number }> {
    let heldMs = 0;
    await core.db.transaction().execute(async (trx) => {
      await trx.insertInto("instance_settings").values({ key: "held", value: "1", updated_at: new Date().toISOString() }).execute();
      const started = performance.now();
      // The Fedify write starts while the lock is held, and can only finish once this transaction commits.
      whileHeld();
      await new Promise((resolve) => setTimeout(resolve, 100));
      heldMs = performance.now() - started;
    });
    return { heldMs };
  }

  it("enqueues without blocking the event loop while a core transaction holds the write lock", async () => {
    const queue = new SqliteMessageQueue(fedify);
    let enqueued: Promise<void> | undefined;
    const { heldMs } = await coreTransactionHoldingTheLock(() => {
      enqueued = queue.enqueue({ hello: "world" });
    });
    // The timer inside the transaction fired on time: nothing held the event loop while it waited.
    expect(heldMs).toBeLessThan(1_000);
    await enqueued;
    expect(fedify.prepare("SELECT count(*) AS count FROM fedify_messages").get()).toEqual({ count: 1 });
  });

  it("writes the key-value store after the core transaction commits, rather than failing", async () => {
    const kv = new SqliteKvStore(fedify);
    let written: Promise<void> | undefined;
    const { heldMs } = await coreTransactionHoldingTheLock(() => {
      written = kv.set(["cache", "entry"], { value: 1 });
    });
    expect(heldMs).toBeLessThan(1_000);
    await written;
    expect(await kv.get(["cache", "entry"])).toEqual({ value: 1 });
  });

  it("stores every message of a burst of enqueues made together", async () => {
    const queue = new SqliteMessageQueue(fedify);
    await Promise.all(Array.from({ length: 50 }, (_, n) => queue.enqueue({ n })));
    const rows = fedify.prepare<[], { message: string }>("SELECT message FROM fedify_messages ORDER BY id").all();
    expect(rows.map((row) => (JSON.parse(row.message) as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    // The connection's own setting is back after the commit that needed FULL.
    expect(fedify.pragma("synchronous", { simple: true })).toBe(1);
  });
});
