import { Temporal } from "@js-temporal/polyfill";
import type { KvStoreSetOptions } from "@fedify/fedify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlite } from "../../server/db/connection.ts";
import { pruneFedifyCaches } from "../../server/db/fedify-cache-pruning.ts";
import { SqliteKvStore } from "../../server/db/fedify-kv-store.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("pruning Fedify's caches", () => {
  let dataDir: { path: string; remove(): void };
  let close: () => Promise<void>;
  let sqlite: ReturnType<typeof openSqlite>;
  let now = Date.parse("2026-01-01T00:00:00.000Z");
  const clock = { now: () => now };

  beforeEach(async () => {
    dataDir = makeTempDir("prune");
    const database = await openDataDirectoryDatabase(dataDir.path);
    close = database.close;
    sqlite = openSqlite(database.path);
  });
  afterEach(async () => {
    sqlite.close();
    await close();
    dataDir.remove();
  });

  it("drops week-old remote documents and keys and expired entries, and keeps the rest", async () => {
    const kv = new SqliteKvStore(sqlite, clock);
    await kv.set(["_fedify", "remoteDocument", "https://old.example/actor"], { id: "old" });
    await kv.set(["_fedify", "publicKey", "https://old.example/actor#main-key"], { key: "old" });
    await kv.set(["hearth", "setting"], "kept however old");
    await kv.set(["_fedify", "activityIdempotence", "x"], true, { ttl: Temporal.Duration.from({ hours: 1 }) as NonNullable<KvStoreSetOptions["ttl"]> });
    now += 8 * DAY_MS;
    await kv.set(["_fedify", "remoteDocument", "https://fresh.example/actor"], { id: "fresh" });

    expect(pruneFedifyCaches(kv)).toBe(3);
    expect(await kv.get(["_fedify", "remoteDocument", "https://old.example/actor"])).toBeUndefined();
    expect(await kv.get(["_fedify", "publicKey", "https://old.example/actor#main-key"])).toBeUndefined();
    expect(await kv.get(["_fedify", "remoteDocument", "https://fresh.example/actor"])).toEqual({ id: "fresh" });
    expect(await kv.get(["hearth", "setting"])).toBe("kept however old");
  });
});
