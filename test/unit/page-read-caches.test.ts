import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { accountJson } from "../../server/api/entities/account-json.ts";
import { loadAccountsWithStats } from "../../server/core/accounts/account-stats.ts";
import { updateProfile } from "../../server/core/accounts/profile.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import type { AccountRow, StatusRow } from "../../server/core/rows.ts";
import { bookmarkStatus, favouriteStatus, muteConversation, pinStatus, reblogStatus, unfavouriteStatus, unmuteConversation, unreblogStatus } from "../../server/core/interactions/interactions.ts";
import { loadStatusBundle } from "../../server/core/statuses/status-bundle.ts";
import { deleteStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { write } from "../../server/core/write.ts";
import { openFedifySqlite } from "../../server/db/fedify-connection.ts";
import { SqliteKvStore } from "../../server/db/fedify-kv-store.ts";
import { SqliteMessageQueue } from "../../server/db/fedify-message-queue.ts";
import { accountRowCacheOf, forgetPageReadCaches, MOST_CACHED_ACCOUNTS, statusCountsCacheOf, unseenCommitsOf, viewerMarksCacheOf } from "../../server/db/page-read-caches.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { insertTestAccount, manualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { statementsRunDuring } from "../helpers/statements-run.ts";

const ORIGIN = "https://hearth.example";

/**
 * A page's accounts and their numbers are kept between pages (db/page-read-caches.ts): a second page reads
 * no account again, and every kind of change to an account or its numbers is seen by the next page all the
 * same (issue #19).
 */
describe("the accounts a page reads, kept between pages", () => {
  const dir = makeTempDir("page-read-caches");
  let database: OpenedDatabase;
  let core: CoreContext;
  let alice: AccountRow;
  let bob: AccountRow;
  let remote: AccountRow;

  /** How many statements whose SQL `pattern` matches run while `work` runs. */
  const readsDuring = async (pattern: RegExp, work: () => Promise<unknown>) => (await statementsRunDuring(database.sqlite, pattern, work)).length;
  const accountReadsDuring = (work: () => Promise<unknown>) => readsDuring(/from "accounts"/, work);
  const markReadsDuring = (work: () => Promise<unknown>) => readsDuring(/'favourited'/, work);
  const countReadsDuring = (work: () => Promise<unknown>) => readsDuring(/'replies'/, work);
  const countsOf = async (status: StatusRow) => (await loadStatusBundle(core, [status], alice.id)).counts.get(status.id);

  beforeAll(async () => {
    database = await openDataDirectoryDatabase(dir.path);
    core = createCoreContext(database.db, manualClock());
    alice = await insertTestAccount(core, "alice");
    bob = await insertTestAccount(core, "bob");
    remote = await insertTestAccount(core, "carol", "remote.example");
  });
  afterAll(async () => {
    await database?.close();
    dir.remove();
  });
  afterEach(() => {
    accountRowCacheOf(database.db)?.clear();
    statusCountsCacheOf(database.db)?.clear();
    viewerMarksCacheOf(database.db)?.clear();
  });

  it("reads a page's accounts once, and not again for the next page", async () => {
    const ids = [alice.id, bob.id, remote.id];
    expect(await accountReadsDuring(() => loadAccountsWithStats(core, ids))).toBe(1);
    const again = await accountReadsDuring(async () => {
      const { accounts } = await loadAccountsWithStats(core, ids);
      expect([...accounts.keys()]).toEqual([...ids].sort());
      expect(accounts.get(remote.id)?.domain).toBe("remote.example");
    });
    expect(again).toBe(0);
    // Control: an account not read before is read, alone.
    const dave = await insertTestAccount(core, "dave");
    expect(await accountReadsDuring(() => loadAccountsWithStats(core, [...ids, dave.id]))).toBe(1);
  });

  it("shows a profile changed through core at the next read", async () => {
    await loadAccountsWithStats(core, [alice.id, bob.id]);
    await updateProfile(core, alice.id, { displayName: "Alice Liddell" }, { origin: ORIGIN });
    const { accounts } = await loadAccountsWithStats(core, [alice.id, bob.id]);
    expect(accounts.get(alice.id)?.display_name).toBe("Alice Liddell");
    expect(accounts.get(bob.id)?.display_name).toBe("");
  });

  it("shows the numbers a new status changed (account_stats' triggers) at the next read", async () => {
    const before = (await loadAccountsWithStats(core, [bob.id])).stats.get(bob.id)!;
    await postStatus(core, { accountId: bob.id, text: "hello", visibility: "public" }, { origin: ORIGIN });
    const after = (await loadAccountsWithStats(core, [bob.id])).stats.get(bob.id)!;
    expect(after.statusesCount).toBe(before.statusesCount + 1);
    expect(after.lastStatusAt).not.toBeNull();
  });

  it("shows a change committed by another connection (a command beside serve) at the next read", async () => {
    await loadAccountsWithStats(core, [remote.id]);
    const other = new Database(join(dir.path, "hearth.db"));
    try {
      other.prepare("UPDATE accounts SET display_name = ? WHERE id = ?").run("Carol from elsewhere", remote.id);
    } finally {
      other.close();
    }
    expect((await loadAccountsWithStats(core, [remote.id])).accounts.get(remote.id)?.display_name).toBe("Carol from elsewhere");
  });

  it("hands back the same account objects after another connection's commit left them as they were, new ones for those it changed", async () => {
    // A row of numbers for alice to change below.
    await postStatus(core, { accountId: alice.id, text: "counted", visibility: "public" }, { origin: ORIGIN });
    const first = await loadAccountsWithStats(core, [alice.id, remote.id]);
    const aliceJson = accountJson(first.accounts.get(alice.id)!, first.stats.get(alice.id)!, ORIGIN, []);
    const other = new Database(join(dir.path, "hearth.db"));
    try {
      other.prepare("UPDATE accounts SET display_name = ? WHERE id = ?").run("Carol, renamed beside serve", remote.id);
    } finally {
      other.close();
    }
    let again = first;
    // The commit empties the cache: both are read again (one query), and alice's read is the same as before.
    expect(await accountReadsDuring(async () => (again = await loadAccountsWithStats(core, [alice.id, remote.id])))).toBe(1);
    expect(again.accounts.get(alice.id)).toBe(first.accounts.get(alice.id));
    expect(again.stats.get(alice.id)).toBe(first.stats.get(alice.id));
    expect(accountJson(again.accounts.get(alice.id)!, again.stats.get(alice.id)!, ORIGIN, [])).toBe(aliceJson);
    // Control: the account the commit changed is a new row, and its JSON says what it says now.
    expect(again.accounts.get(remote.id)).not.toBe(first.accounts.get(remote.id));
    expect(JSON.parse(accountJson(again.accounts.get(remote.id)!, again.stats.get(remote.id)!, ORIGIN, [])).display_name).toBe("Carol, renamed beside serve");

    // Its numbers changed by another connection: a new row and stats, and the JSON shows them.
    const other2 = new Database(join(dir.path, "hearth.db"));
    try {
      other2.prepare("UPDATE account_stats SET followers_count = followers_count + 7 WHERE account_id = ?").run(alice.id);
    } finally {
      other2.close();
    }
    const third = await loadAccountsWithStats(core, [alice.id, remote.id]);
    expect(third.accounts.get(alice.id)).not.toBe(first.accounts.get(alice.id));
    expect(third.stats.get(alice.id)!.followersCount).toBe(first.stats.get(alice.id)!.followersCount + 7);
    expect(JSON.parse(accountJson(third.accounts.get(alice.id)!, third.stats.get(alice.id)!, ORIGIN, [])).followers_count).toBe(first.stats.get(alice.id)!.followersCount + 7);
    expect(third.accounts.get(remote.id)).toBe(again.accounts.get(remote.id));

    // One changed through core while the cache was empty is never handed back as it was.
    accountRowCacheOf(database.db)?.clear();
    await updateProfile(core, alice.id, { displayName: "Alice, renamed through core" }, { origin: ORIGIN });
    const fourth = await loadAccountsWithStats(core, [alice.id]);
    // An idle server's release lets go of the former values too.
    expect(accountRowCacheOf(database.db)?.size).toBe(1);
    accountRowCacheOf(database.db)?.clear();
    expect(accountRowCacheOf(database.db)?.former(alice.id)).toBeDefined();
    forgetPageReadCaches(database.db);
    expect(accountRowCacheOf(database.db)?.former(alice.id)).toBeUndefined();
    expect(JSON.parse(accountJson(fourth.accounts.get(alice.id)!, fourth.stats.get(alice.id)!, ORIGIN, [])).display_name).toBe("Alice, renamed through core");
  });

  it("keeps the accounts through commits of Fedify's queue and key-value store on the process's other connection, and sees an account changed elsewhere", async () => {
    const fedify = openFedifySqlite(join(dir.path, "hearth.db"));
    try {
      // As startInstance wires them: Fedify's commits of its own tables are told to core's caches.
      const commits = unseenCommitsOf(database.db, fedify);
      const kv = new SqliteKvStore(fedify, Date, commits);
      const queue = new SqliteMessageQueue(fedify, { commits });
      await loadAccountsWithStats(core, [alice.id, remote.id]);
      await kv.set(["_fedify", "remoteDocument", "https://remote.example/actor"], { cached: true });
      await kv.cas(["circuit", "remote.example"], undefined, "open");
      await kv.delete(["circuit", "remote.example"]);
      await queue.enqueue({ type: "outbox", id: 1 });
      expect(await accountReadsDuring(() => loadAccountsWithStats(core, [alice.id, remote.id]))).toBe(0);

      // Control: the same commit on a connection that does not tell the caches empties them.
      const untold = new SqliteKvStore(fedify);
      await untold.set(["_fedify", "remoteDocument", "https://remote.example/other"], { cached: true });
      expect(await accountReadsDuring(() => loadAccountsWithStats(core, [alice.id, remote.id]))).toBe(1);

      // Control: an account changed by another connection is seen, also when a told commit of Fedify's follows it.
      const other = new Database(join(dir.path, "hearth.db"));
      try {
        other.prepare("UPDATE accounts SET display_name = ? WHERE id = ?").run("Carol, changed beside serve", remote.id);
      } finally {
        other.close();
      }
      await kv.set(["_fedify", "publicKey", "https://remote.example/actor#main-key"], { key: "k" });
      expect((await loadAccountsWithStats(core, [remote.id])).accounts.get(remote.id)?.display_name).toBe("Carol, changed beside serve");
    } finally {
      fedify.close();
    }
  });

  it("looks once a page whether another connection committed, for all three caches", async () => {
    const status = await postStatus(core, { accountId: bob.id, text: "looked at once", visibility: "public" }, { origin: ORIGIN });
    const prototype = Object.getPrototypeOf(database.sqlite.prepare("SELECT 1")) as { get: (...args: unknown[]) => unknown };
    const original = prototype.get;
    let looks = 0;
    prototype.get = function (this: { source: string }, ...args: unknown[]) {
      if (/data_version/i.test(this.source)) looks++;
      return original.apply(this, args);
    };
    try {
      // Read and kept, then read from the caches: once each time.
      const first = await loadStatusBundle(core, [status], alice.id);
      expect(looks).toBe(1);
      const again = await loadStatusBundle(core, [status], alice.id);
      expect(looks).toBe(2);
      expect(again.accounts.get(bob.id)?.username).toBe("bob");
      expect(again.counts.get(status.id)).toEqual(first.counts.get(status.id));
    } finally {
      prototype.get = original;
    }
  });

  it("lets a write see its own uncommitted change, and keeps nothing of it when it rolls back", async () => {
    await loadAccountsWithStats(core, [bob.id]);
    await expect(
      write(core, async (trx) => {
        await trx.updateTable("accounts").set({ display_name: "Not for long" }).where("id", "=", bob.id).execute();
        expect((await loadAccountsWithStats({ ...core, db: trx }, [bob.id])).accounts.get(bob.id)?.display_name).toBe("Not for long");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect((await loadAccountsWithStats(core, [bob.id])).accounts.get(bob.id)?.display_name).toBe("");
  });

  it("forgets a deleted account", async () => {
    const erin = await insertTestAccount(core, "erin", "remote.example");
    expect((await loadAccountsWithStats(core, [erin.id])).accounts.has(erin.id)).toBe(true);
    await core.db.deleteFrom("accounts").where("id", "=", erin.id).execute();
    expect((await loadAccountsWithStats(core, [erin.id])).accounts.has(erin.id)).toBe(false);
  });

  it("does not keep what was read while an account changed, and holds at most its bound", () => {
    const cache = accountRowCacheOf<string>(database.db)!;
    const since = cache.mark();
    cache.forget(alice.id);
    cache.keep(since, bob.id, "read before the change");
    expect(cache.get(bob.id)).toBeUndefined();
    // Control: kept when nothing changed meanwhile.
    cache.keep(cache.mark(), bob.id, "read after");
    expect(cache.get(bob.id)).toBe("read after");

    const at = cache.mark();
    for (let n = 0; n < MOST_CACHED_ACCOUNTS + 10; n++) cache.keep(at, `id-${n}`, "x");
    expect(cache.size).toBe(MOST_CACHED_ACCOUNTS);
    expect(cache.get("id-0")).toBeUndefined();
    expect(cache.get(`id-${MOST_CACHED_ACCOUNTS + 9}`)).toBe("x");
  });

  it("drops first what was read least recently: a value read page after page stays past its bound", () => {
    const cache = accountRowCacheOf<string>(database.db)!;
    const at = cache.mark();
    cache.keep(at, "read-often", "kept");
    cache.keep(at, "read-once", "dropped");
    expect(cache.get("read-once")).toBe("dropped");
    for (let n = 0; n < MOST_CACHED_ACCOUNTS * 3; n++) {
      cache.keep(at, `other-${n}`, "x");
      if (n % 100 === 0) expect(cache.get("read-often")).toBe("kept");
    }
    expect(cache.size).toBe(MOST_CACHED_ACCOUNTS);
    expect(cache.get("read-often")).toBe("kept");
    expect(cache.get("read-once")).toBeUndefined();
  });

  it("reads a status's counts once, and sees each reply, boost and favourite that comes or goes at the next read", async () => {
    const status = await postStatus(core, { accountId: bob.id, text: "counted", visibility: "public" }, { origin: ORIGIN });
    const other = await postStatus(core, { accountId: bob.id, text: "not counted", visibility: "public" }, { origin: ORIGIN });
    expect(await countReadsDuring(() => countsOf(status))).toBe(1);
    expect(await countReadsDuring(() => countsOf(status))).toBe(0);
    expect(await countsOf(status)).toEqual({ replies: 0, reblogs: 0, favourites: 0 });

    const reply = await postStatus(core, { accountId: alice.id, text: "a reply", visibility: "public", inReplyToId: status.id }, { origin: ORIGIN });
    expect(await countsOf(status)).toEqual({ replies: 1, reblogs: 0, favourites: 0 });
    await reblogStatus(core, alice.id, status.id);
    expect(await countsOf(status)).toEqual({ replies: 1, reblogs: 1, favourites: 0 });
    await favouriteStatus(core, alice.id, status.id, { origin: ORIGIN });
    expect(await countsOf(status)).toEqual({ replies: 1, reblogs: 1, favourites: 1 });
    await unfavouriteStatus(core, alice.id, status.id);
    expect(await countsOf(status)).toEqual({ replies: 1, reblogs: 1, favourites: 0 });
    await deleteStatus(core, alice.id, reply.id);
    expect(await countsOf(status)).toEqual({ replies: 0, reblogs: 1, favourites: 0 });
    // Control: a status nothing touched keeps its counts, read once.
    expect(await countsOf(other)).toEqual({ replies: 0, reblogs: 0, favourites: 0 });
    expect(await countReadsDuring(() => countsOf(other))).toBe(0);
  });

  it("reads a viewer's marks once, and sees each boost, favourite, bookmark, pin and mute of theirs at the next read", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "marked", visibility: "public" }, { origin: ORIGIN });
    const viewerState = async (viewerId: string) => {
      const { viewer } = await loadStatusBundle(core, [status], viewerId);
      const marks = [viewer.reblogged, viewer.favourited, viewer.bookmarked, viewer.pinned].map((set) => set.has(status.id));
      return [...marks, viewer.mutedConversations.has(status.conversation_id!)];
    };
    expect(status.conversation_id).not.toBeNull();
    expect(await markReadsDuring(() => viewerState(bob.id))).toBe(1);
    expect(await markReadsDuring(() => viewerState(bob.id))).toBe(0);
    expect(await viewerState(bob.id)).toEqual([false, false, false, false, false]);

    await reblogStatus(core, bob.id, status.id);
    expect(await viewerState(bob.id)).toEqual([true, false, false, false, false]);
    await favouriteStatus(core, bob.id, status.id, { origin: ORIGIN });
    expect(await viewerState(bob.id)).toEqual([true, true, false, false, false]);
    await bookmarkStatus(core, bob.id, status.id);
    expect(await viewerState(bob.id)).toEqual([true, true, true, false, false]);
    // A mute alone: the statuses' marks are known, the conversation's is read.
    await muteConversation(core, bob.id, status.id);
    expect(await viewerState(bob.id)).toEqual([true, true, true, false, true]);
    await unmuteConversation(core, bob.id, status.id);
    expect(await viewerState(bob.id)).toEqual([true, true, true, false, false]);
    await unreblogStatus(core, bob.id, status.id);
    expect(await viewerState(bob.id)).toEqual([false, true, true, false, false]);
    // Pins are the author's own: alice's view, and bob's unchanged beside it.
    expect(await viewerState(alice.id)).toEqual([false, false, false, false, false]);
    await pinStatus(core, alice.id, status.id);
    expect(await viewerState(alice.id)).toEqual([false, false, false, true, false]);
    expect(await markReadsDuring(() => viewerState(bob.id))).toBe(0);
    expect(await viewerState(bob.id)).toEqual([false, true, true, false, false]);
  });
});
