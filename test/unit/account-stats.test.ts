import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountStats, loadAccountStatsMany } from "../../server/core/accounts/account-stats.ts";
import { idToDate } from "../../server/core/ids.ts";
import type { Visibility } from "../../server/db/schema.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow } from "../../server/core/rows.ts";

/**
 * The profile numbers are kept by triggers as statuses and follows change; here every kind of change is
 * made and the kept numbers are compared with a count over the rows themselves (the rule as it was
 * computed before the table existed).
 */

describe("account stats kept by triggers", () => {
  let db: CoreDatabase;
  let alice: AccountRow;
  let bob: AccountRow;
  let carol: AccountRow;
  let remote: AccountRow;

  beforeAll(async () => {
    db = await openCoreDatabase("account-stats");
    alice = await insertTestAccount(db.core, "alice");
    bob = await insertTestAccount(db.core, "bob");
    carol = await insertTestAccount(db.core, "carol");
    remote = await insertTestAccount(db.core, "dave", "remote.example");
  });
  afterAll(() => db?.close());

  /** The numbers counted from the rows, as loadAccountStatsMany computed them before account_stats. */
  async function counted(accountId: string): Promise<AccountStats> {
    const d = db.core.db;
    const statuses = await d
      .selectFrom("statuses")
      .select([(eb) => eb.fn.countAll<number>().as("count"), (eb) => eb.fn.max("id").as("last")])
      .where("account_id", "=", accountId)
      .where("visibility", "!=", "direct")
      .executeTakeFirstOrThrow();
    const follows = async (column: "account_id" | "target_account_id", state: "accepted" | "pending") =>
      Number(
        (
          await d
            .selectFrom("follows")
            .select((eb) => eb.fn.countAll<number>().as("count"))
            .where(column, "=", accountId)
            .where("state", "=", state)
            .executeTakeFirstOrThrow()
        ).count,
      );
    return {
      statusesCount: Number(statuses.count),
      followersCount: await follows("target_account_id", "accepted"),
      followingCount: await follows("account_id", "accepted"),
      followRequestsCount: await follows("target_account_id", "pending"),
      lastStatusAt: statuses.last ? (idToDate(statuses.last)?.toISOString() ?? null) : null,
    };
  }

  async function expectKeptEqualsCounted(): Promise<void> {
    const ids = [alice.id, bob.id, carol.id, remote.id];
    const kept = await loadAccountStatsMany(db.core, ids);
    for (const id of ids) expect(kept.get(id), `numbers of ${id}`).toEqual(await counted(id));
  }

  async function insertStatus(accountId: string, visibility: Visibility, reblogOf: string | null = null): Promise<string> {
    db.clock.advance(60_000);
    const now = db.core.clock.now().toISOString();
    const id = db.core.ids.next();
    await db.core.db
      .insertInto("statuses")
      .values({ id, account_id: accountId, local: 1, visibility, content: "<p>hi</p>", reblog_of_id: reblogOf, created_at: now, updated_at: now })
      .execute();
    return id;
  }

  it("starts at zero for accounts with nothing", async () => {
    const kept = await loadAccountStatsMany(db.core, [alice.id]);
    expect(kept.get(alice.id)).toEqual({ statusesCount: 0, followersCount: 0, followingCount: 0, followRequestsCount: 0, lastStatusAt: null });
  });

  it("counts statuses and boosts but not direct ones, and dates the newest", async () => {
    const first = await insertStatus(alice.id, "public");
    await insertStatus(alice.id, "unlisted");
    await insertStatus(alice.id, "private");
    await insertStatus(alice.id, "direct");
    await insertStatus(bob.id, "public", first);
    await expectKeptEqualsCounted();
    expect((await loadAccountStatsMany(db.core, [alice.id])).get(alice.id)?.statusesCount).toBe(3);
  });

  it("steps the newest status back when it is deleted, and forward past a direct one", async () => {
    const older = await insertStatus(alice.id, "public");
    const newest = await insertStatus(alice.id, "public");
    await insertStatus(alice.id, "direct");
    await db.core.db.deleteFrom("statuses").where("id", "=", newest).execute();
    await expectKeptEqualsCounted();
    expect((await loadAccountStatsMany(db.core, [alice.id])).get(alice.id)?.lastStatusAt).toBe(idToDate(older)?.toISOString());
    // A direct status deleted changes nothing.
    await db.core.db.deleteFrom("statuses").where("account_id", "=", alice.id).where("visibility", "=", "direct").execute();
    await expectKeptEqualsCounted();
  });

  it("follows a status whose visibility or author changes", async () => {
    const id = await insertStatus(carol.id, "public");
    await db.core.db.updateTable("statuses").set({ visibility: "direct" }).where("id", "=", id).execute();
    await expectKeptEqualsCounted();
    await db.core.db.updateTable("statuses").set({ visibility: "private", account_id: bob.id }).where("id", "=", id).execute();
    await expectKeptEqualsCounted();
  });

  it("counts follows both ways, requests until accepted, and unfollows", async () => {
    await insertFollow(db.core, alice.id, bob.id);
    await insertFollow(db.core, carol.id, bob.id);
    await insertFollow(db.core, remote.id, alice.id);
    await db.core.db.updateTable("follows").set({ state: "pending" }).where("account_id", "=", remote.id).execute();
    await expectKeptEqualsCounted();
    expect((await loadAccountStatsMany(db.core, [alice.id])).get(alice.id)?.followRequestsCount).toBe(1);
    await db.core.db.updateTable("follows").set({ state: "accepted" }).where("account_id", "=", remote.id).execute();
    await expectKeptEqualsCounted();
    await db.core.db.deleteFrom("follows").where("account_id", "=", carol.id).execute();
    await expectKeptEqualsCounted();
    expect((await loadAccountStatsMany(db.core, [bob.id])).get(bob.id)?.followersCount).toBe(1);
  });

  it("drops a deleted account's follows and boosts from the others' numbers", async () => {
    const original = await insertStatus(bob.id, "public");
    await insertStatus(remote.id, "public", original);
    await insertStatus(remote.id, "public");
    await insertFollow(db.core, bob.id, remote.id);
    await expectKeptEqualsCounted();
    await db.core.db.deleteFrom("accounts").where("id", "=", remote.id).execute();
    const ids = [alice.id, bob.id, carol.id];
    const kept = await loadAccountStatsMany(db.core, ids);
    for (const id of ids) expect(kept.get(id)).toEqual(await counted(id));
    const left = await db.core.db.selectFrom("account_stats").select("account_id").where("account_id", "=", remote.id).execute();
    expect(left).toEqual([]);
  });
});
