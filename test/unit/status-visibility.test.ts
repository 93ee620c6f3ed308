import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { homeTimeline } from "../../server/core/timelines/timelines.ts";
import { canViewStatus, filterVisibleStatuses, visibilityAllows, type VisibilityFacts } from "../../server/core/visibility/status-visibility.ts";
import type { Visibility } from "../../server/db/schema.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow, StatusRow } from "../../server/core/rows.ts";

const ORIGIN = "https://hearth.example";

function facts(visibility: Visibility, who: Partial<VisibilityFacts>): VisibilityFacts {
  return { visibility, isAuthor: false, isMentioned: false, isFollower: false, isBlockedByAuthor: false, ...who };
}

describe("who may see a status: the rule", () => {
  const cases: Array<[string, Visibility, Partial<VisibilityFacts> | null, boolean]> = [
    ["anyone, a public status", "public", {}, true],
    ["anyone, an unlisted status", "unlisted", {}, true],
    ["an anonymous reader, a public status", "public", null, true],
    ["an anonymous reader, a private status", "private", null, false],
    ["a stranger, a private status", "private", {}, false],
    ["a follower, a private status", "private", { isFollower: true }, true],
    ["someone mentioned, a private status", "private", { isMentioned: true }, true],
    ["a follower not mentioned, a direct status", "direct", { isFollower: true }, false],
    ["someone mentioned, a direct status", "direct", { isMentioned: true }, true],
    ["the author, a direct status mentioning no one", "direct", { isAuthor: true }, true],
    ["someone the author blocks, a public status", "public", { isBlockedByAuthor: true }, false],
    ["a mentioned account the author blocks, a direct status", "direct", { isMentioned: true, isBlockedByAuthor: true }, false],
  ];
  it.each(cases)("%s", (_name, visibility, who, expected) => {
    expect(visibilityAllows(who === null ? null : facts(visibility, who), visibility)).toBe(expected);
  });
});

describe("who may see a status: against the database", () => {
  let db: CoreDatabase;
  let author: AccountRow;
  let follower: AccountRow;
  let pending: AccountRow;
  let mentioned: AccountRow;
  let stranger: AccountRow;

  beforeAll(async () => {
    db = await openCoreDatabase("visibility");
    author = await insertTestAccount(db.core, "author");
    follower = await insertTestAccount(db.core, "follower");
    pending = await insertTestAccount(db.core, "pending");
    mentioned = await insertTestAccount(db.core, "mentioned");
    stranger = await insertTestAccount(db.core, "stranger");
    await insertFollow(db.core, follower.id, author.id);
    await insertFollow(db.core, pending.id, author.id);
    // A request not yet accepted is no follow.
    await db.core.db.updateTable("follows").set({ state: "pending" }).where("account_id", "=", pending.id).execute();
  });
  afterAll(() => db?.close());

  async function seers(visibility: Visibility): Promise<string[]> {
    const status = await postStatus(db.core, { accountId: author.id, text: `@mentioned ${visibility}`, visibility }, { origin: ORIGIN });
    const viewers = { anonymous: null, author: author.id, follower: follower.id, pending: pending.id, mentioned: mentioned.id, stranger: stranger.id };
    const allowed: string[] = [];
    for (const [name, id] of Object.entries(viewers)) if (await canViewStatus(db.core.db, status, id)) allowed.push(name);
    return allowed;
  }

  it("shows public and unlisted statuses to everyone", async () => {
    const everyone = ["anonymous", "author", "follower", "pending", "mentioned", "stranger"];
    expect(await seers("public")).toEqual(everyone);
    expect(await seers("unlisted")).toEqual(everyone);
  });

  it("shows private statuses to the author, accepted followers and the mentioned", async () => {
    expect(await seers("private")).toEqual(["author", "follower", "mentioned"]);
  });

  it("shows direct statuses to the author and the mentioned only", async () => {
    expect(await seers("direct")).toEqual(["author", "mentioned"]);
  });

  it("hides an author's statuses from those it blocks, and a boost of a hidden status", async () => {
    const status = await postStatus(db.core, { accountId: author.id, text: "hello", visibility: "public" }, { origin: ORIGIN });
    await db.core.db
      .insertInto("blocks")
      .values({ id: db.core.ids.next(), account_id: author.id, target_account_id: stranger.id, created_at: db.clock.now().toISOString() })
      .execute();
    expect(await canViewStatus(db.core.db, status, stranger.id)).toBe(false);
    expect(await canViewStatus(db.core.db, status, follower.id)).toBe(true);
    const secret = await postStatus(db.core, { accountId: author.id, text: "own", visibility: "private" }, { origin: ORIGIN });
    const boost = { id: "000000000000000001", account_id: follower.id, visibility: "public" as const, reblog_of_id: secret.id };
    expect(await canViewStatus(db.core.db, boost, null)).toBe(false);
  });
});

describe("who may see a status: the rule as SQL agrees with it", () => {
  let db: CoreDatabase;
  const viewers: Record<string, AccountRow> = {};
  const statuses: StatusRow[] = [];

  beforeAll(async () => {
    db = await openCoreDatabase("visibility-sql");
    for (const name of ["author", "follower", "pending", "mentioned", "stranger"]) viewers[name] = await insertTestAccount(db.core, name);
    await insertFollow(db.core, viewers.follower!.id, viewers.author!.id);
    await insertFollow(db.core, viewers.pending!.id, viewers.author!.id);
    await db.core.db.updateTable("follows").set({ state: "pending" }).where("account_id", "=", viewers.pending!.id).execute();
    for (const visibility of ["public", "unlisted", "private", "direct"] as const) {
      statuses.push(await postStatus(db.core, { accountId: viewers.author!.id, text: `@mentioned ${visibility}`, visibility }, { origin: ORIGIN }));
      statuses.push(await postStatus(db.core, { accountId: viewers.author!.id, text: `${visibility}, mentioning no one`, visibility }, { origin: ORIGIN }));
    }
    // Every status in every home, whether or not its viewer may see it (as a feed keeps rows written before a
    // follow ended or a mention was edited away): the home page must apply the rule, not trust its rows.
    await db.core.db
      .insertInto("home_feed")
      .values(Object.values(viewers).flatMap((viewer) => statuses.map((status) => ({ account_id: viewer.id, status_id: status.id }))))
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
  afterAll(() => db?.close());

  it("in the home timeline and for statuses named by id, for every viewer and visibility", async () => {
    for (const [name, viewer] of Object.entries(viewers)) {
      const allowed: string[] = [];
      for (const status of statuses) if (await canViewStatus(db.core.db, status, viewer.id)) allowed.push(status.id);
      const home = await homeTimeline(db.core, viewer.id, { maxId: null, sinceId: null, minId: null, limit: 40 });
      expect([...home.pageIds].sort(), `${name}'s home`).toEqual([...allowed].sort());
      const byIds = await filterVisibleStatuses(db.core.db, statuses, viewer.id);
      expect(byIds.map((status) => status.id).sort(), `${name}, by ids`).toEqual([...allowed].sort());
    }
    // The rule is not empty: each viewer sees a different set.
    expect(new Set(await Promise.all(Object.values(viewers).map(async (viewer) => (await homeTimeline(db.core, viewer.id, { maxId: null, sinceId: null, minId: null, limit: 40 })).pageIds.length)))).toEqual(new Set([8, 6, 4]));
  });
});
