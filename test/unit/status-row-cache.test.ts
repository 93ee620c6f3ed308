import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { favouriteStatus, reblogStatus } from "../../server/core/interactions/interactions.ts";
import { listNotifications } from "../../server/core/notifications/notifications.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { homeTimeline } from "../../server/core/timelines/timelines.ts";
import { statusRowCacheOf } from "../../server/db/page-read-caches.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { insertFollow, insertTestAccount, manualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const ORIGIN = "https://hearth.example";
const FIRST_PAGE = { maxId: null, sinceId: null, minId: null, limit: 40 };

/**
 * The status rows a page shows are kept between pages (db/cached-status-rows.ts): a fresh page reads only the
 * rows it has not read before, and every change to a row it shows is seen by the next page all the same
 * (issue #19).
 */
describe("the status rows a page reads, kept between pages", () => {
  const dir = makeTempDir("status-row-cache");
  let database: OpenedDatabase;
  let core: CoreContext;
  let alice: AccountRow;
  let bob: AccountRow;

  /** How many times the statuses' rows are read by id while `work` runs. */
  async function rowReadsDuring(work: () => Promise<unknown>): Promise<number> {
    const prototype = Object.getPrototypeOf(database.sqlite.prepare("SELECT 1")) as { all: (...args: unknown[]) => unknown };
    const original = prototype.all;
    let reads = 0;
    prototype.all = function (this: { source: string }, ...args: unknown[]) {
      if (/^select \* from "statuses" where "id" in/.test(this.source)) reads++;
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      prototype.all = original;
    }
    return reads;
  }

  /** Bob's home as he sees it: each status's id, text and warning, and for a boost the boosted one's. */
  async function bobsHome(): Promise<string[]> {
    const { statuses } = await homeTimeline(core, bob.id, FIRST_PAGE);
    return (await toStatuses(core, statuses, bob.id, ORIGIN, { filterContext: "home" })).map((status) => {
      const shown = status.reblog ?? status;
      return `${status.id} ${status.reblog ? "boost of " : ""}${shown.content} [${shown.spoiler_text}] ${shown.visibility}`;
    });
  }

  beforeAll(async () => {
    database = await openDataDirectoryDatabase(dir.path);
    core = createCoreContext(database.db, manualClock());
    alice = await insertTestAccount(core, "alice");
    bob = await insertTestAccount(core, "bob");
    await insertFollow(core, bob.id, alice.id);
  });
  afterAll(async () => {
    await database?.close();
    dir.remove();
  });
  afterEach(() => {
    statusRowCacheOf(database.db)?.clear();
  });

  it("reads a home page's rows once, and after a post only the new one", async () => {
    for (const text of ["one", "two", "three"]) await postStatus(core, { accountId: alice.id, text, visibility: "public" }, { origin: ORIGIN });
    expect(await rowReadsDuring(bobsHome)).toBe(1);
    expect(await rowReadsDuring(bobsHome)).toBe(0);
    const fourth = await postStatus(core, { accountId: alice.id, text: "four", visibility: "public" }, { origin: ORIGIN });
    const page = await bobsHome();
    expect(page[0]).toContain(fourth.id);
    expect(page).toHaveLength(4);
    statusRowCacheOf(database.db)?.clear();
    // Control: emptied, the page is read whole again, and is the same.
    expect(await rowReadsDuring(async () => expect(await bobsHome()).toEqual(page))).toBe(1);
  });

  it("shows an edit of a status's text and warning at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "first words", visibility: "public" }, { origin: ORIGIN });
    const untouched = await postStatus(core, { accountId: alice.id, text: "left alone", visibility: "public" }, { origin: ORIGIN });
    expect((await bobsHome()).find((line) => line.startsWith(status.id))).toContain("first words");
    await editStatus(core, { accountId: alice.id, statusId: status.id, text: "second words", spoilerText: "careful" }, { origin: ORIGIN });
    const page = await bobsHome();
    expect(page.find((line) => line.startsWith(status.id))).toContain("second words</p> [careful]");
    // Control: the status nothing touched is still the kept row, not read again.
    expect(page.find((line) => line.startsWith(untouched.id))).toContain("left alone");
    expect(await rowReadsDuring(bobsHome)).toBe(0);
  });

  it("shows an edit of a boosted status through the boost at the next page", async () => {
    const carol = await insertTestAccount(core, "carol");
    const original = await postStatus(core, { accountId: carol.id, text: "boosted words", visibility: "public" }, { origin: ORIGIN });
    const boost = await reblogStatus(core, alice.id, original.id);
    expect((await bobsHome()).find((line) => line.startsWith(boost.id))).toContain("boost of <p>boosted words");
    await editStatus(core, { accountId: carol.id, statusId: original.id, text: "boosted, then edited" }, { origin: ORIGIN });
    expect((await bobsHome()).find((line) => line.startsWith(boost.id))).toContain("boost of <p>boosted, then edited");
  });

  it("shows a row changed by another connection (a command beside serve) at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "as posted", visibility: "public" }, { origin: ORIGIN });
    expect((await bobsHome()).find((line) => line.startsWith(status.id))).toContain("[] public");
    const other = new Database(join(dir.path, "hearth.db"));
    try {
      other.prepare("UPDATE statuses SET spoiler_text = ?, visibility = ? WHERE id = ?").run("changed elsewhere", "unlisted", status.id);
    } finally {
      other.close();
    }
    expect((await bobsHome()).find((line) => line.startsWith(status.id))).toContain("[changed elsewhere] unlisted");
  });

  it("shows a change made on core's own connection outside core's writes (a remote update) at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "before the update", visibility: "public" }, { origin: ORIGIN });
    expect((await bobsHome()).find((line) => line.startsWith(status.id))).toContain("before the update");
    await core.db.updateTable("statuses").set({ content: "<p>after the update</p>", sensitive: 1 }).where("id", "=", status.id).execute();
    expect((await bobsHome()).find((line) => line.startsWith(status.id))).toContain("after the update");
  });

  it("shows an edit of a notification's status at the next page of notifications", async () => {
    const status = await postStatus(core, { accountId: bob.id, text: "bob the first take", visibility: "public" }, { origin: ORIGIN });
    const other = await postStatus(core, { accountId: bob.id, text: "bob the other take", visibility: "public" }, { origin: ORIGIN });
    await favouriteStatus(core, alice.id, status.id, { origin: ORIGIN });
    await favouriteStatus(core, alice.id, other.id, { origin: ORIGIN });
    const notifications = async () =>
      (await toNotifications(core, await listNotifications(core, bob.id, {}, FIRST_PAGE), bob.id, ORIGIN)).map((entity) => `${entity.status?.id} ${entity.status?.content}`);
    expect(await notifications()).toEqual([`${other.id} <p>bob the other take</p>`, `${status.id} <p>bob the first take</p>`]);
    expect(await rowReadsDuring(notifications)).toBe(0);
    await editStatus(core, { accountId: bob.id, statusId: status.id, text: "bob the second take" }, { origin: ORIGIN });
    expect(await notifications()).toEqual([`${other.id} <p>bob the other take</p>`, `${status.id} <p>bob the second take</p>`]);
  });
});
