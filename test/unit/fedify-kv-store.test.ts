import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type Database from "better-sqlite3";
import { Temporal } from "@js-temporal/polyfill";
import type { KvKey, KvStoreSetOptions } from "@fedify/fedify";
import { openDatabase, openSqlite } from "../../server/db/connection.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { SqliteKvStore } from "../../server/db/fedify-kv-store.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// Fedify runs on the polyfill's Temporal but types its options with lib's, whose typings differ in small details.
const seconds = (n: number) => Temporal.Duration.from({ seconds: n }) as unknown as NonNullable<KvStoreSetOptions["ttl"]>;

/** The listed entries in a stable order: the store promises which entries, not in what order. */
async function collect(list: AsyncIterable<{ key: KvKey; value: unknown }>) {
  const entries = [];
  for await (const entry of list) entries.push(entry);
  return entries.sort((a, b) => (a.key.join("\0") < b.key.join("\0") ? -1 : 1));
}

describe("SqliteKvStore", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let path: string;
  let sqlite: Database.Database;
  let now: number;
  let kv: SqliteKvStore;

  beforeEach(async () => {
    dir = makeTempDir("kv");
    path = `${dir.path}/hearth.db`;
    const { db } = openDatabase(path);
    await migrateToLatest(db, path);
    await db.destroy();
    sqlite = openSqlite(path);
    now = Date.parse("2025-01-01T00:00:00Z");
    kv = new SqliteKvStore(sqlite, { now: () => now });
  });

  afterEach(() => {
    if (sqlite.open) sqlite.close();
    dir.remove();
  });

  it("stores JSON values under array keys and deletes them", async () => {
    const value = { id: "https://remote.example/users/alice", tags: ["a", 1, null], nested: { ok: true } };
    await kv.set(["_fedify", "remoteDocument", "https://remote.example/users/alice"], value);
    expect(await kv.get(["_fedify", "remoteDocument", "https://remote.example/users/alice"])).toEqual(value);
    expect(await kv.get(["_fedify", "remoteDocument"])).toBeUndefined();

    await kv.set(["counter"], 1);
    await kv.set(["counter"], 2);
    expect(await kv.get(["counter"])).toBe(2);
    await kv.delete(["counter"]);
    expect(await kv.get(["counter"])).toBeUndefined();
  });

  it("keeps what it stored for the next connection to the file", async () => {
    await kv.set(["kept"], "yes");
    sqlite.close();
    sqlite = openSqlite(path);
    expect(await new SqliteKvStore(sqlite).get(["kept"])).toBe("yes");
  });

  it("hides an entry once its TTL has passed, and prunes it", async () => {
    await kv.set(["idempotence", "activity-1"], true, { ttl: seconds(10) });
    await kv.set(["idempotence", "activity-2"], true, { ttl: seconds(60) });
    await kv.set(["forever"], true);

    now += 9_999;
    expect(await kv.get(["idempotence", "activity-1"])).toBe(true);
    now += 1;
    expect(await kv.get(["idempotence", "activity-1"])).toBeUndefined();
    expect((await collect(kv.list())).map((entry) => entry.key)).toEqual([["forever"], ["idempotence", "activity-2"]]);

    now += 60_000;
    expect(kv.pruneExpired()).toBe(1);
    expect((await collect(kv.list())).map((entry) => entry.key)).toEqual([["forever"]]);
  });

  it("sets a new TTL (or none) when a value is written again", async () => {
    await kv.set(["session"], "a", { ttl: seconds(1) });
    await kv.set(["session"], "b");
    now += 5_000;
    expect(await kv.get(["session"])).toBe("b");
  });

  describe("cas", () => {
    it("writes when the key is absent and absence was expected", async () => {
      expect(await kv.cas(["lock"], undefined, { holder: "a" })).toBe(true);
      expect(await kv.get(["lock"])).toEqual({ holder: "a" });
      expect(await kv.cas(["lock"], undefined, { holder: "b" })).toBe(false);
      expect(await kv.get(["lock"])).toEqual({ holder: "a" });
    });

    it("compares values structurally, not by key order or identity", async () => {
      await kv.set(["doc"], { a: 1, b: [1, 2, { c: 3 }] });
      expect(await kv.cas(["doc"], { b: [1, 2, { c: 3 }], a: 1 }, { a: 2 })).toBe(true);
      expect(await kv.get(["doc"])).toEqual({ a: 2 });
    });

    it("leaves the value alone when the expected value differs", async () => {
      await kv.set(["doc"], { a: 1 });
      expect(await kv.cas(["doc"], { a: 2 }, { a: 3 })).toBe(false);
      expect(await kv.cas(["doc"], { a: "1" }, { a: 3 })).toBe(false);
      expect(await kv.cas(["missing"], { a: 1 }, { a: 3 })).toBe(false);
      expect(await kv.get(["doc"])).toEqual({ a: 1 });
      expect(await kv.get(["missing"])).toBeUndefined();
    });

    it("deletes the key when the new value is undefined, as Fedify's circuit breaker closes a circuit", async () => {
      await kv.set(["circuit", "peer.example"], { state: "open", failures: [] });
      expect(await kv.cas(["circuit", "peer.example"], { state: "half-open", failures: [] }, undefined)).toBe(false);
      expect(await kv.get(["circuit", "peer.example"])).toEqual({ state: "open", failures: [] });
      expect(await kv.cas(["circuit", "peer.example"], { state: "open", failures: [] }, undefined)).toBe(true);
      expect(await kv.get(["circuit", "peer.example"])).toBeUndefined();
      for await (const entry of kv.list(["circuit"])) expect.unreachable(`${JSON.stringify(entry.key)} is still listed`);
    });

    it("takes set(key, undefined) as a deletion, as Fedify's MemoryKvStore does", async () => {
      await kv.set(["doc"], { a: 1 });
      await kv.set(["doc"], undefined);
      expect(await kv.get(["doc"])).toBeUndefined();
    });

    it("treats an expired entry as absent and applies the new TTL", async () => {
      await kv.set(["lock"], "old", { ttl: seconds(1) });
      now += 1_000;
      expect(await kv.cas(["lock"], "old", "new")).toBe(false);
      expect(await kv.cas(["lock"], undefined, "new", { ttl: seconds(5) })).toBe(true);
      now += 5_000;
      expect(await kv.get(["lock"])).toBeUndefined();
    });
  });

  describe("list", () => {
    it("lists a prefix and everything under it, but not keys that merely start with the same letters", async () => {
      await kv.set(["a"], 0);
      await kv.set(["a", "b"], 1);
      await kv.set(["a", "b", "c"], 2);
      await kv.set(["ab"], 3);
      await kv.set(["ab", "b"], 4);
      await kv.set(["b"], 5);

      expect(await collect(kv.list(["a"]))).toEqual([
        { key: ["a"], value: 0 },
        { key: ["a", "b"], value: 1 },
        { key: ["a", "b", "c"], value: 2 },
      ]);
      expect((await collect(kv.list(["a", "b"]))).map((entry) => entry.key)).toEqual([["a", "b"], ["a", "b", "c"]]);
      expect((await collect(kv.list(["ab"]))).map((entry) => entry.key)).toEqual([["ab"], ["ab", "b"]]);
      expect(await collect(kv.list(["c"]))).toEqual([]);
      expect(await collect(kv.list())).toHaveLength(6);
    });

    it("handles keys with quotes, commas and non-ASCII text", async () => {
      const odd: KvKey[] = [["x", 'say "hi"'], ["x", "a,b"], ["x", "ünï"], ["x\"", "y"], ["x,", "z"]];
      for (const key of odd) await kv.set(key, key.join("/"));
      expect((await collect(kv.list(["x"]))).map((entry) => entry.value).sort()).toEqual(["x/a,b", 'x/say "hi"', "x/ünï"]);
      expect(await collect(kv.list(["x\""]))).toEqual([{ key: ["x\"", "y"], value: "x\"/y" }]);
    });

    it("lists more entries than one page and lets the caller use the store meanwhile", async () => {
      for (let i = 0; i < 450; i++) await kv.set(["many", String(i).padStart(3, "0")], i);
      const seen: number[] = [];
      for await (const entry of kv.list(["many"])) {
        seen.push(entry.value as number);
        // Fedify deletes while it lists (e.g. when it migrates keys); an open cursor would make this throw.
        await kv.delete(entry.key);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 450 }, (_, i) => i));
      expect(await collect(kv.list(["many"]))).toEqual([]);
    });
  });

  it("prunes old entries under a prefix, keeping recent ones and other prefixes", async () => {
    const day = 86_400_000;
    await kv.set(["_fedify", "publicKey", "https://old.example#key"], { old: true });
    await kv.set(["_fedify", "remoteDocument", "https://old.example/note"], { old: true });
    await kv.set(["_fedify"], "the prefix itself, old");
    await kv.set(["_fedifyx", "other"], "not under the prefix");
    now += 20 * day;
    await kv.set(["_fedify", "publicKey", "https://new.example#key"], { old: false });

    expect(kv.pruneByPrefix(["_fedify", "publicKey"], 7 * day)).toBe(1);
    expect(await kv.get(["_fedify", "publicKey", "https://old.example#key"])).toBeUndefined();
    expect(await kv.get(["_fedify", "publicKey", "https://new.example#key"])).toEqual({ old: false });
    expect(await kv.get(["_fedify", "remoteDocument", "https://old.example/note"])).toEqual({ old: true });

    expect(kv.pruneByPrefix(["_fedify"], 7 * day)).toBe(2);
    expect((await collect(kv.list())).map((entry) => entry.key)).toEqual([
      ["_fedify", "publicKey", "https://new.example#key"],
      ["_fedifyx", "other"],
    ]);
  });

  describe("writes of one moment", () => {
    /** Counts the transactions begun on the connection. */
    function countTransactions(): { count: number } {
      const counted = { count: 0 };
      const transaction = sqlite.transaction.bind(sqlite);
      sqlite.transaction = ((work: (...parameters: unknown[]) => unknown) =>
        transaction((...parameters: unknown[]) => {
          counted.count++;
          return work(...parameters);
        })) as typeof sqlite.transaction;
      return counted;
    }

    it("share one commit, as the idempotence marks of activities handled together do, each answered after it", async () => {
      const transactions = countTransactions();
      const marks = Array.from({ length: 16 }, (_, index): KvKey => ["_fedify", "activityIdempotence", `https://remote.example/activities/${index}`]);
      await Promise.all(marks.map((key) => kv.set(key, true, { ttl: seconds(86_400) })));
      // Sixteen writes asked for in one turn: one transaction (sixteen before).
      expect(transactions.count).toBe(1);
      // Committed: another connection sees them all.
      const other = openSqlite(path);
      try {
        for (const key of marks) expect(await new SqliteKvStore(other, { now: () => now }).get(key)).toBe(true);
      } finally {
        other.close();
      }
    });

    it("keep their order, and a write that fails fails alone", async () => {
      await kv.set(["kept"], 0);
      const outcomes = await Promise.allSettled([
        kv.set(["kept"], 1),
        kv.cas(["kept"], 1, 2),
        kv.cas(["kept"], 1, 3),
        kv.delete(["gone"]),
        // A key no JSON encodes: refused before it is queued.
        kv.set([1n as unknown as string], "x"),
        kv.set(["after"], "still written"),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
      expect(outcomes.slice(1, 3).map((outcome) => (outcome as PromiseFulfilledResult<boolean>).value)).toEqual([true, false]);
      expect(await kv.get(["kept"])).toBe(2);
      expect(await kv.get(["after"])).toBe("still written");
    });

    it("fail alone when one of them fails inside the shared transaction", async () => {
      // A trigger that refuses one key: its write throws inside the transaction the others share.
      sqlite.exec(`CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON main.fedify_kv WHEN NEW.key = '["refused"]' BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
      const outcomes = await Promise.allSettled([kv.set(["first"], 1), kv.set(["refused"], 2), kv.set(["last"], 3)]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain("refused");
      expect(await kv.get(["first"])).toBe(1);
      expect(await kv.get(["refused"])).toBeUndefined();
      expect(await kv.get(["last"])).toBe(3);
    });
  });
});
