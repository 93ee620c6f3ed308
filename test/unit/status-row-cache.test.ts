import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { addFilterKeyword, addFilterStatus, createFilter, deleteFilter, updateFilter } from "../../server/core/filters/filters.ts";
import { favouriteStatus, reblogStatus } from "../../server/core/interactions/interactions.ts";
import { listNotifications } from "../../server/core/notifications/notifications.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { voteOnPoll } from "../../server/core/statuses/polls.ts";
import { editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { homeTimeline } from "../../server/core/timelines/timelines.ts";
import { statusRowsByIds } from "../../server/db/cached-status-rows.ts";
import { statusPartsCacheOf, statusRowCacheOf, viewerFiltersCacheOf } from "../../server/db/page-read-caches.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { insertFollow, insertTestAccount, manualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { statementsRunDuring } from "../helpers/statements-run.ts";

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
  const clock = manualClock();
  let alice: AccountRow;
  let bob: AccountRow;

  /** How many statements whose SQL `pattern` matches run while `work` runs. */
  const readsDuring = async (pattern: RegExp, work: () => Promise<unknown>) => (await statementsRunDuring(database.sqlite, pattern, work)).length;
  const rowReadsDuring = (work: () => Promise<unknown>) => readsDuring(/^select \* from "statuses" where "id" in/, work);

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
    core = createCoreContext(database.db, clock);
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
    statusPartsCacheOf(database.db)?.clear();
    viewerFiltersCacheOf(database.db)?.clear();
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

  it("hands back the same row objects after another connection's commit left them as they were, a new one for a row it changed", async () => {
    const kept = await postStatus(core, { accountId: alice.id, text: "left as it was", visibility: "public" }, { origin: ORIGIN });
    const changed = await postStatus(core, { accountId: alice.id, text: "changed beside serve", visibility: "public" }, { origin: ORIGIN });
    const first = await statusRowsByIds(core.db, [kept.id, changed.id]);
    const other = new Database(join(dir.path, "hearth.db"));
    try {
      other.prepare("UPDATE statuses SET spoiler_text = ? WHERE id = ?").run("a warning added elsewhere", changed.id);
    } finally {
      other.close();
    }
    const again = await statusRowsByIds(core.db, [kept.id, changed.id]);
    expect(again.get(kept.id)).toBe(first.get(kept.id));
    // Control: the row the commit changed is new and says what it says now.
    expect(again.get(changed.id)).not.toBe(first.get(changed.id));
    expect(again.get(changed.id)?.spoiler_text).toBe("a warning added elsewhere");
    // One changed on this connection while the cache was empty is never handed back as it was.
    statusRowCacheOf(database.db)?.clear();
    await core.db.updateTable("statuses").set({ content: "<p>updated here</p>" }).where("id", "=", kept.id).execute();
    expect((await statusRowsByIds(core.db, [kept.id])).get(kept.id)?.content).toBe("<p>updated here</p>");
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

  /** Bob's home as he sees it, one status: its mentions, tags, media descriptions, poll and card. */
  async function partsShown(statusId: string): Promise<string> {
    const { statuses } = await homeTimeline(core, bob.id, FIRST_PAGE);
    const status = (await toStatuses(core, statuses, bob.id, ORIGIN, { filterContext: "home" })).find((entity) => entity.id === statusId)!;
    const poll = status.poll ? `${status.poll.options.map((option) => `${option.title}:${option.votes_count}`).join(",")} voted ${status.poll.voted}` : "no poll";
    return [
      `mentions ${status.mentions.map((mention) => mention.username).join(",")}`,
      `tags ${status.tags.map((tag) => tag.name).join(",")}`,
      `media ${status.media_attachments.map((media) => media.description).join(",")}`,
      poll,
      `card ${status.card?.title ?? "none"}`,
    ].join("; ");
  }
  const partsReadsDuring = (work: () => Promise<unknown>) =>
    readsDuring(/^select "status_id", "account_id" from "mentions"|from "status_tags"|from "media_attachments"|from "polls"|from "status_preview_cards"/, work);

  it("reads a page's mentions, tags, media, polls and cards once, and not again for the next page", async () => {
    await postStatus(core, { accountId: alice.id, text: "parts #once", visibility: "public" }, { origin: ORIGIN });
    expect(await partsReadsDuring(bobsHome)).toBe(5);
    expect(await partsReadsDuring(bobsHome)).toBe(0);
    // Control: after a post, the five are read again for the new status alone.
    await postStatus(core, { accountId: alice.id, text: "parts #twice", visibility: "public" }, { origin: ORIGIN });
    expect(await partsReadsDuring(bobsHome)).toBe(5);
  });

  it("shows a mention added by an edit and a tag renamed at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "hello #cats", visibility: "public" }, { origin: ORIGIN });
    const other = await postStatus(core, { accountId: alice.id, text: "other #dogs", visibility: "public" }, { origin: ORIGIN });
    expect(await partsShown(status.id)).toContain("mentions ; tags cats;");
    await editStatus(core, { accountId: alice.id, statusId: status.id, text: "hello @bob #cats" }, { origin: ORIGIN });
    expect(await partsShown(status.id)).toContain("mentions bob; tags cats;");
    expect(await partsShown(other.id)).toContain("tags dogs;");
    await core.db.updateTable("tags").set({ name: "dogsandcats" }).where("name", "=", "dogs").execute();
    expect(await partsShown(other.id)).toContain("tags dogsandcats;");
  });

  it("shows a media description changed at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "a picture", visibility: "public" }, { origin: ORIGIN });
    const now = new Date().toISOString();
    await core.db
      .insertInto("media_attachments")
      .values({ id: `${status.id}1`, account_id: alice.id, status_id: status.id, type: "image", remote_url: "https://remote.example/a.png", description: "a cat", created_at: now, updated_at: now })
      .execute();
    expect(await partsShown(status.id)).toContain("media a cat;");
    await core.db.updateTable("media_attachments").set({ description: "a cat asleep" }).where("id", "=", `${status.id}1`).execute();
    expect(await partsShown(status.id)).toContain("media a cat asleep;");
  });

  it("shows a poll vote and a remote poll's new tallies at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "which?", visibility: "public", poll: { options: ["this", "that"], expiresIn: 3600 } }, { origin: ORIGIN });
    expect(await partsShown(status.id)).toContain("this:0,that:0 voted false");
    const poll = (await core.db.selectFrom("polls").select("id").where("status_id", "=", status.id).executeTakeFirstOrThrow()).id;
    await voteOnPoll(core, bob.id, poll, [1], { origin: ORIGIN });
    expect(await partsShown(status.id)).toContain("this:0,that:1 voted true");
    // A remote poll's tallies are in its row, as its server last reported them.
    await core.db.updateTable("polls").set({ cached_tallies_json: "[4,2]", voters_count: 6 }).where("id", "=", poll).execute();
    expect(await partsShown(status.id)).toContain("this:4,that:2 voted true");
  });

  it("shows a preview card attached, and the card changed, at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "a link", visibility: "public" }, { origin: ORIGIN });
    expect(await partsShown(status.id)).toContain("card none");
    const card = (title: string) => JSON.stringify({ url: "https://example.com/", title, description: "", type: "link" });
    await core.db.insertInto("preview_cards").values({ id: "card-1", url: "https://example.com/", card_json: card("First title"), fetched_at: new Date().toISOString() }).execute();
    await core.db.insertInto("status_preview_cards").values({ status_id: status.id, preview_card_id: "card-1" }).execute();
    expect(await partsShown(status.id)).toContain("card First title");
    await core.db.updateTable("preview_cards").set({ card_json: card("Second title") }).where("id", "=", "card-1").execute();
    expect(await partsShown(status.id)).toContain("card Second title");
  });

  it("reads a viewer's filters once, and sees a filter, keyword, filtered status, expiry and deletion at the next page", async () => {
    const status = await postStatus(core, { accountId: alice.id, text: "about spiders", visibility: "public" }, { origin: ORIGIN });
    const other = await postStatus(core, { accountId: alice.id, text: "about nothing", visibility: "public" }, { origin: ORIGIN });
    const filteredBy = async (statusId: string) => {
      const { statuses } = await homeTimeline(core, bob.id, FIRST_PAGE);
      const entity = (await toStatuses(core, statuses, bob.id, ORIGIN, { filterContext: "home" })).find((shown) => shown.id === statusId)!;
      return (entity.filtered ?? []).map((result) => `${result.filter.title}:${result.keyword_matches?.join(",") ?? ""}:${result.status_matches?.join(",") ?? ""}`);
    };
    expect(await filteredBy(status.id)).toEqual([]);
    expect(await readsDuring(/from "filters"/, bobsHome)).toBe(0);
    const filter = await createFilter(core, bob.id, { title: "Arachnids", context: ["home"], keywords: [{ keyword: "scorpions" }] });
    expect(await filteredBy(status.id)).toEqual([]);
    await addFilterKeyword(core, bob.id, filter.filter.id, { keyword: "spiders" });
    expect(await filteredBy(status.id)).toEqual(["Arachnids:spiders:"]);
    expect(await readsDuring(/from "filters"/, bobsHome)).toBe(0);
    await addFilterStatus(core, bob.id, filter.filter.id, other.id);
    expect(await filteredBy(other.id)).toEqual([`Arachnids::${other.id}`]);
    await updateFilter(core, bob.id, filter.filter.id, { context: ["notifications"] });
    expect(await filteredBy(status.id)).toEqual([]);
    await updateFilter(core, bob.id, filter.filter.id, { context: ["home"], expiresIn: 3600 });
    expect(await filteredBy(status.id)).toEqual(["Arachnids:spiders:"]);
    // Expiry is the clock's, not a write's: the kept filter is left out once its time has passed.
    clock.advance(3601_000);
    expect(await filteredBy(status.id)).toEqual([]);
    await updateFilter(core, bob.id, filter.filter.id, { expiresIn: null });
    expect(await filteredBy(status.id)).toEqual(["Arachnids:spiders:"]);
    await deleteFilter(core, bob.id, filter.filter.id);
    expect(await filteredBy(status.id)).toEqual([]);
  });
});
