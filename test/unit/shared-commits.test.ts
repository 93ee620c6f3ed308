import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CoreEvent } from "../../server/core/events.ts";
import { withSharedCommits, write, type WriteTransaction } from "../../server/core/write.ts";
import { withRelaxedDurability } from "../../server/db/durability.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

/** Counts the COMMITs SQLite is asked for, on every connection of the process, while the test runs. */
function countingCommits(): { count: () => number; stop: () => void } {
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1")) as { run: (...args: unknown[]) => unknown };
  probe.close();
  const run = prototype.run;
  let commits = 0;
  prototype.run = function (this: { source: string }, ...args: unknown[]) {
    if (/^\s*commit\s*$/i.test(this.source)) commits++;
    return run.apply(this, args);
  };
  return { count: () => commits, stop: () => void (prototype.run = run) };
}

const names = ["alice", "bob", "carol"];

describe("shared commits: inbox writes of the same moment in one transaction, each answered after it", () => {
  let db: CoreDatabase;
  /** Whose home marker each write stores: markers are the smallest rows core has, one a timeline and account. */
  let accountIds: Record<string, string>;
  let commits: ReturnType<typeof countingCommits>;
  beforeEach(async () => {
    db = await openCoreDatabase("shared-commits");
    accountIds = {};
    for (const name of names) accountIds[name] = (await insertTestAccount(db.core, name)).id;
    commits = countingCommits();
  });
  afterEach(async () => {
    commits.stop();
    await db.close();
  });

  const insertMarker = (trx: WriteTransaction, name: string) =>
    trx.insertInto("markers").values({ account_id: accountIds[name]!, timeline: "home", last_read_id: "1", version: 1, updated_at: "2026-01-01T00:00:00.000Z" }).execute();
  const storedMarkers = async () => {
    const rows = await db.core.db.selectFrom("markers").select("account_id").execute();
    return names.filter((name) => rows.some((row) => row.account_id === accountIds[name]));
  };
  const changed = (name: string): CoreEvent => ({ type: "filters.changed", accountId: name });
  /** What the inbox does around a listener (federation/inbox/index.ts). */
  const asInbox = <T>(work: () => Promise<T>) => withRelaxedDurability(() => withSharedCommits(work));

  it("three writes asked for at once commit together, and each is stored and heard once it answers", async () => {
    const answered = await Promise.all(
      names.map((name) =>
        asInbox(() =>
          write(db.core, async (trx, after) => {
            await insertMarker(trx, name);
            after.emit(changed(name));
            return name;
          }),
        ),
      ),
    );
    expect(answered).toEqual(names);
    expect(commits.count()).toBe(1);
    expect(await storedMarkers()).toEqual(names);
    expect(db.events).toEqual(names.map(changed));
  });

  it("a write that throws loses its own rows and effects only; the others of its group are stored", async () => {
    const results = await Promise.allSettled(
      names.map((name) =>
        asInbox(() =>
          write(db.core, async (trx, after) => {
            await insertMarker(trx, name);
            after.emit(changed(name));
            after.publish({ type: "account.updated", accountId: name });
            if (name === "bob") throw new Error("refused halfway");
          }),
        ),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(commits.count()).toBeGreaterThanOrEqual(1);
    expect(await storedMarkers()).toEqual(["alice", "carol"]);
    expect(db.events).toEqual([changed("alice"), changed("carol")]);
    // Handed to the drain after the commit, whose own writes (removing the rows) join a later group.
    expect(db.published).toEqual([
      { type: "account.updated", accountId: "alice" },
      { type: "account.updated", accountId: "carol" },
    ]);
  });

  it("writes outside the inbox keep a transaction each", async () => {
    await Promise.all(names.map((name) => write(db.core, (trx) => insertMarker(trx, name))));
    expect(commits.count()).toBe(3);
    await Promise.all(names.map((name) => withSharedCommits(() => write(db.core, (trx) => trx.deleteFrom("markers").where("account_id", "=", accountIds[name]!).execute()))));
    // Shared only with relaxed durability: a write that must reach the disk before it answers commits alone.
    expect(commits.count()).toBe(6);
    expect(await storedMarkers()).toEqual([]);
  });
});
