import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageRequest } from "../../server/core/paging.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { accountStatuses, homeTimeline, publicTimeline } from "../../server/core/timelines/timelines.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow } from "../../server/core/rows.ts";

const ORIGIN = "https://hearth.example";

function page(request: Partial<PageRequest>): PageRequest {
  return { maxId: null, sinceId: null, minId: null, limit: 20, ...request };
}

describe("timeline pages: max_id, since_id and min_id honoured exactly", () => {
  let db: CoreDatabase;
  let reader: AccountRow;
  let writer: AccountRow;
  /** Oldest first. */
  const ids: string[] = [];

  beforeAll(async () => {
    db = await openCoreDatabase("paging");
    reader = await insertTestAccount(db.core, "reader");
    writer = await insertTestAccount(db.core, "writer");
    await insertFollow(db.core, reader.id, writer.id);
    for (let n = 0; n < 10; n++) {
      db.clock.advance(1000);
      ids.push((await postStatus(db.core, { accountId: writer.id, text: `status ${n}`, visibility: "public" }, { origin: ORIGIN })).id);
    }
  });
  afterAll(() => db?.close());

  const home = async (request: Partial<PageRequest>) => (await homeTimeline(db.core, reader.id, page(request))).pageIds;

  it("reads newest first, limit at a time", async () => {
    expect(await home({ limit: 3 })).toEqual([ids[9], ids[8], ids[7]]);
  });

  it("max_id gives what is strictly older", async () => {
    expect(await home({ maxId: ids[5], limit: 3 })).toEqual([ids[4], ids[3], ids[2]]);
    expect(await home({ maxId: ids[0] })).toEqual([]);
  });

  it("since_id gives the newest strictly newer, newest first", async () => {
    expect(await home({ sinceId: ids[5], limit: 2 })).toEqual([ids[9], ids[8]]);
    expect(await home({ sinceId: ids[9] })).toEqual([]);
  });

  it("min_id gives the page just newer (the oldest strictly newer), still newest first", async () => {
    expect(await home({ minId: ids[5], limit: 2 })).toEqual([ids[7], ids[6]]);
    expect(await home({ minId: ids[8], limit: 5 })).toEqual([ids[9]]);
  });

  it("max_id with since_id bounds both sides", async () => {
    expect(await home({ maxId: ids[6], sinceId: ids[3] })).toEqual([ids[5], ids[4]]);
  });

  it("an id between two statuses pages from where it falls", async () => {
    // Ids from another server's shape arrive padded; one that names no status still bounds the page.
    const between = (BigInt(ids[4]!) + 1n).toString();
    expect(await home({ maxId: between, limit: 1 })).toEqual([ids[4]]);
    expect(await home({ minId: between, limit: 1 })).toEqual([ids[5]]);
  });

  it("the same bounds hold on the public timeline and an account's statuses", async () => {
    expect((await publicTimeline(db.core, null, { local: true }, page({ maxId: ids[5], limit: 2 }))).pageIds).toEqual([ids[4], ids[3]]);
    expect((await accountStatuses(db.core, null, writer.id, {}, page({ minId: ids[1], limit: 2 }))).pageIds).toEqual([ids[3], ids[2]]);
  });

  it("a block or a mute hides the home feed's earlier statuses at once; a mute does not hide the profile", async () => {
    const now = db.clock.now().toISOString();
    await db.core.db.insertInto("mutes").values({ id: db.core.ids.next(), account_id: reader.id, target_account_id: writer.id, created_at: now }).execute();
    expect(await home({})).toEqual([]);
    expect((await accountStatuses(db.core, reader.id, writer.id, {}, page({ limit: 1 }))).pageIds).toEqual([ids[9]]);
    await db.core.db.deleteFrom("mutes").execute();
    await db.core.db.insertInto("blocks").values({ id: db.core.ids.next(), account_id: writer.id, target_account_id: reader.id, created_at: now }).execute();
    expect(await home({})).toEqual([]);
    expect((await accountStatuses(db.core, reader.id, writer.id, {}, page({}))).pageIds).toEqual([]);
    expect((await publicTimeline(db.core, reader.id, {}, page({}))).pageIds).toEqual([]);
    await db.core.db.deleteFrom("blocks").execute();
    expect(await home({ limit: 1 })).toEqual([ids[9]]);
  });
});
