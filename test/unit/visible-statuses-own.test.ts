import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findVisibleStatuses } from "../../server/core/visibility/status-visibility.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow } from "../../server/core/rows.ts";

const ORIGIN = "https://hearth.example";

// findVisibleStatuses answers the viewer's own statuses without the rule's query (a page of notifications names
// mostly the recipient's): they must still be the statuses the whole rule lets through, no more.
describe("the statuses a viewer may see, among them their own", () => {
  let db: CoreDatabase;
  let alice: AccountRow;
  let bob: AccountRow;

  beforeAll(async () => {
    db = await openCoreDatabase("visible-statuses-own");
    alice = await insertTestAccount(db.core, "alice");
    bob = await insertTestAccount(db.core, "bob");
  });
  afterAll(() => db?.close());

  const post = async (account: AccountRow, text: string, visibility: "public" | "private" | "direct") =>
    (await postStatus(db.core, { accountId: account.id, text, visibility }, { origin: ORIGIN })).id;
  const seen = async (ids: string[], viewer: AccountRow) => (await findVisibleStatuses(db.core.db, ids, viewer.id)).map((row) => row.id);

  it("shows the viewer's own statuses of every visibility, in the order asked, beside others' by the rule", async () => {
    const ownDirect = await post(alice, "a note to no one", "direct");
    const bobsPrivate = await post(bob, "for bob's followers", "private");
    const ownPrivate = await post(alice, "for alice's followers", "private");
    const bobsPublic = await post(bob, "for everyone", "public");
    expect(await seen([bobsPublic, ownDirect, bobsPrivate, ownPrivate, ownDirect], alice)).toEqual([bobsPublic, ownDirect, ownPrivate]);
    // The same statuses seen by bob: his own, and none of alice's but what the rule lets through.
    expect(await seen([bobsPublic, ownDirect, bobsPrivate, ownPrivate], bob)).toEqual([bobsPublic, bobsPrivate]);
  });

  it("hides a suspended viewer's own statuses, as it hides every suspended author's, and no one else's", async () => {
    const own = await post(alice, "soon hidden", "public");
    const bobs = await post(bob, "still shown", "public");
    expect(await seen([own, bobs], alice)).toEqual([own, bobs]);
    await db.core.db.updateTable("accounts").set({ suspended_at: db.clock.now().toISOString() }).where("id", "=", alice.id).execute();
    expect(await seen([own, bobs], alice)).toEqual([bobs]);
    expect(await seen([own, bobs], bob)).toEqual([bobs]);
    await db.core.db.updateTable("accounts").set({ suspended_at: null }).where("id", "=", alice.id).execute();
    expect(await seen([own, bobs], alice)).toEqual([own, bobs]);
  });
});
