import { afterEach, describe, expect, it } from "vitest";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { notificationsJson, notificationsJsonBytes, statusesJson, statusesJsonBytes } from "../../server/api/entities/page-json.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import { addFilterKeyword, createFilter } from "../../server/core/filters/filters.ts";
import { bookmarkStatus, favouriteStatus, muteConversation, pinStatus, reblogStatus } from "../../server/core/interactions/interactions.ts";
import type { AccountRow, StatusRow } from "../../server/core/rows.ts";
import { listNotifications } from "../../server/core/notifications/notifications.ts";
import { voteOnPoll } from "../../server/core/statuses/polls.ts";
import { deleteStatus, editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { statusRowsInOrder } from "../../server/db/cached-status-rows.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

// The timelines and notifications routes write each status's JSON kept across pages (status-json.ts), with what
// depends on the viewer or the time written for each page. Every page here, for a signed-in viewer, for the
// author a moderator marked sensitive and signed out, is compared byte for byte with JSON.stringify of the
// entities rendered afresh, twice (the second takes what the first kept), before and after each write that
// changes a piece of what is kept.
const ORIGIN = "https://hearth.example";
const AT = "2026-03-01T11:00:00.000Z";
const FIRST_PAGE = { maxId: null, sinceId: null, minId: null, limit: 40 };

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

interface Cast {
  viewer: AccountRow;
  ada: AccountRow;
  cleo: AccountRow;
  sam: AccountRow;
  ids: { poll: string; pollStatus: string; adas: string; boost: string; quote: string; gone: string; hidden: string; sams: string; plain: string; boostedQuote: string };
}

async function seed(db: CoreDatabase): Promise<Cast> {
  const { core } = db;
  const options = { origin: ORIGIN };
  const viewer = await insertTestAccount(core, "viewer", null, { display_name: "The viewer" });
  const cleo = await insertTestAccount(core, "cleo", null, { display_name: "Cleo" });
  const ada = await insertTestAccount(core, "ada", "peer.example", { display_name: "Ada :wave:", avatar_remote_url: "https://peer.example/a.png" });
  const sam = await insertTestAccount(core, "sam", "other.example", { display_name: "Sam" });
  const stranger = await insertTestAccount(core, "stranger", "other.example");
  await insertFollow(core, viewer.id, cleo.id);
  await insertFollow(core, viewer.id, ada.id);
  await core.db
    .insertInto("custom_emojis")
    .values([
      { id: "200000000000000001", shortcode: "wave", domain: "peer.example", uri: null, image_url: "https://peer.example/emoji/wave.png", file: null, visible_in_picker: 1, category: null, updated_at: AT },
      // In a status only, not in its author's name (whose JSON changes with the emoji's).
      { id: "200000000000000002", shortcode: "teacup", domain: "peer.example", uri: null, image_url: "https://peer.example/emoji/teacup.png", file: null, visible_in_picker: 1, category: null, updated_at: AT },
    ])
    .execute();
  await core.db
    .insertInto("oauth_applications")
    .values({ id: "app-1", name: "Quill", website: "https://quill.example", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write", client_id: "quill", client_secret_hash: "x", created_at: AT })
    .execute();

  const pollStatus = await postStatus(core, { accountId: cleo.id, text: "Tea or coffee?", poll: { options: ["tea", "coffee"], expiresIn: 3600, hideTotals: true } }, options);
  const poll = (await core.db.selectFrom("polls").select("id").where("status_id", "=", pollStatus.id).executeTakeFirstOrThrow()).id;
  const mine = await postStatus(core, { accountId: viewer.id, text: "Mine, hello @cleo #tea", applicationId: "app-1" }, options);
  await pinStatus(core, viewer.id, mine.id);
  const remote = (id: string, account: AccountRow, columns: Partial<StatusRow> = {}) => ({
    id,
    account_id: account.id,
    uri: `https://${account.domain}/s/${id}`,
    url: null,
    local: 0,
    visibility: "public" as const,
    content: `<p>Status ${id}</p>`,
    // Every row with the same columns: a multi-row insert writes NULL for one a row leaves out.
    spoiler_text: "",
    language: null,
    reblog_of_id: null,
    quote_of_id: null,
    quote_uri: null,
    created_at: AT,
    updated_at: AT,
    ...columns,
  });
  const ids = {
    poll,
    pollStatus: pollStatus.id,
    adas: "900000000000000001",
    boost: "900000000000000002",
    quote: "900000000000000003",
    gone: "900000000000000004",
    hidden: "900000000000000005",
    sams: "900000000000000006",
    plain: mine.id,
    boostedQuote: "900000000000000008",
  };
  await core.db
    .insertInto("statuses")
    .values([
      remote(ids.adas, ada, { content: "<p>Hi :teacup: @cleo #tea</p>", language: "en", spoiler_text: "a warning" }),
      remote(ids.boost, ada, { content: "", reblog_of_id: mine.id }),
      remote(ids.hidden, stranger, { visibility: "private", content: "<p>Only for followers</p>" }),
      remote(ids.quote, ada, { content: "<p>Look at this</p>", quote_of_id: ids.adas, quote_uri: `https://peer.example/s/${ids.adas}` }),
      remote(ids.gone, ada, { content: "<p>Quoting what is gone</p>", quote_uri: "https://peer.example/s/deleted" }),
      remote("900000000000000007", ada, { content: "<p>Quoting what I may not see</p>", quote_of_id: ids.hidden, quote_uri: `https://other.example/s/${ids.hidden}` }),
      remote(ids.sams, sam, { content: "<p>A picture</p>" }),
      // A quote boosted: the quote inside the boost names what it quotes without showing it.
      remote(ids.boostedQuote, cleo, { content: "", reblog_of_id: ids.quote }),
    ])
    .execute();
  await core.db.insertInto("mentions").values({ status_id: ids.adas, account_id: cleo.id, silent: 0 }).execute();
  const media = (id: string, statusId: string, account: AccountRow) => ({
    id,
    account_id: account.id,
    status_id: statusId,
    type: "image" as const,
    remote_url: `https://${account.domain}/media/${id}.png`,
    description: "a cat",
    meta_json: JSON.stringify({ original: { width: 640, height: 480 } }),
    created_at: AT,
    updated_at: AT,
  });
  await core.db.insertInto("media_attachments").values([media("m1", ids.adas, ada), media("m2", ids.sams, sam)]).execute();
  await addCard(db, "card-1", ids.adas, "A page about tea");
  return { viewer, ada, cleo, sam, ids };
}

async function addCard(db: CoreDatabase, id: string, statusId: string, title: string): Promise<void> {
  const url = `https://example.com/${id}`;
  const card = { url, title, description: "", type: "link", authorName: "", authorUrl: "", providerName: "Example", providerUrl: "", html: "", width: 0, height: 0, imageFile: null, imageRemoteUrl: null, imageDescription: "", embedUrl: "", blurhash: null, publishedAt: null, language: null };
  await db.core.db.insertInto("preview_cards").values({ id, url, card_json: JSON.stringify(card), fetched_at: AT }).execute();
  await db.core.db.insertInto("status_preview_cards").values({ status_id: statusId, preview_card_id: id }).execute();
}

/** Every status, newest first, each page's written JSON checked against the entities' for each viewer; the viewer's page parsed. */
async function checkedPage(db: CoreDatabase, cast: Cast, origin = ORIGIN): Promise<Array<Record<string, unknown>>> {
  const { core } = db;
  // As the timelines read them: the rows from the status rows' cache, the same objects until a row changes.
  const ids = (await core.db.selectFrom("statuses").select("id").orderBy("id", "desc").execute()).map((row) => row.id);
  const rows = await statusRowsInOrder(core.db, ids);
  let viewersPage = "";
  for (const viewerId of [cast.viewer.id, cast.sam.id, null]) {
    const expected = JSON.stringify(await toStatuses(core, rows, viewerId, origin, { filterContext: "home" }));
    // Twice: the second page takes what the first kept.
    for (let i = 0; i < 2; i++) {
      expect(await statusesJson(core, rows, viewerId, origin, { filterContext: "home" })).toBe(expected);
      expect(Buffer.from(await statusesJsonBytes(core, rows, viewerId, origin, { filterContext: "home" })).equals(Buffer.from(expected))).toBe(true);
    }
    if (viewerId === cast.viewer.id) viewersPage = expected;
  }
  return JSON.parse(viewersPage) as Array<Record<string, unknown>>;
}

function shown(page: Array<Record<string, unknown>>, id: string): Record<string, unknown> {
  const status = page.find((entity) => entity.id === id);
  if (!status) throw new Error(`Status ${id} is not on the page.`);
  return status;
}

describe("a page written with each status's JSON kept across pages", () => {
  it("writes boosts, quotes, polls, media, cards, mentions, emoji and the viewer's flags as the entities are, for every viewer", async () => {
    database = await openCoreDatabase("status-json-kinds");
    const cast = await seed(database);
    const page = await checkedPage(database, cast);
    expect(shown(page, cast.ids.boost).reblog).toMatchObject({ id: cast.ids.plain, pinned: true });
    expect(shown(page, cast.ids.quote).quote).toMatchObject({ state: "accepted", quoted_status: { id: cast.ids.adas } });
    expect(shown(page, cast.ids.boostedQuote).reblog).toMatchObject({ id: cast.ids.quote, quote: { state: "accepted", quoted_status: null } });
    expect(shown(page, cast.ids.gone).quote).toEqual({ state: "deleted", quoted_status: null });
    expect(shown(page, "900000000000000007").quote).toEqual({ state: "unauthorized", quoted_status: null });
    expect(shown(page, cast.ids.plain).application).toEqual({ name: "Quill", website: "https://quill.example" });
  });

  it("shows at the next page the counts, the viewer's marks and a poll's votes changed", async () => {
    database = await openCoreDatabase("status-json-counts");
    const { core } = database;
    const cast = await seed(database);
    await checkedPage(database, cast);
    await favouriteStatus(core, cast.viewer.id, cast.ids.adas, { origin: ORIGIN });
    expect(shown(await checkedPage(database, cast), cast.ids.adas)).toMatchObject({ favourited: true, favourites_count: 1 });
    await reblogStatus(core, cast.cleo.id, cast.ids.adas);
    expect(shown(await checkedPage(database, cast), cast.ids.adas)).toMatchObject({ reblogs_count: 1 });
    await bookmarkStatus(core, cast.viewer.id, cast.ids.adas);
    await muteConversation(core, cast.viewer.id, cast.ids.plain);
    expect(shown(await checkedPage(database, cast), cast.ids.boost).reblog).toMatchObject({ muted: true });
    await voteOnPoll(core, cast.viewer.id, cast.ids.poll, [1], { origin: ORIGIN });
    expect(shown(await checkedPage(database, cast), cast.ids.pollStatus).poll).toMatchObject({ voted: true, own_votes: [1] });
    // The poll ends with time, not with a write: its totals are shown from then on.
    database.clock.advance(3601_000);
    expect(shown(await checkedPage(database, cast), cast.ids.pollStatus).poll).toMatchObject({ expired: true, options: [{ votes_count: 0 }, { votes_count: 1 }] });
  });

  it("shows at the next page an edit, a card arriving, media, emoji, an application and a mentioned account changed", async () => {
    database = await openCoreDatabase("status-json-parts");
    const { core } = database;
    const cast = await seed(database);
    await checkedPage(database, cast);
    await editStatus(core, { accountId: cast.viewer.id, statusId: cast.ids.plain, text: "Mine, edited" }, { origin: ORIGIN });
    expect(shown(await checkedPage(database, cast), cast.ids.boost).reblog).toMatchObject({ content: expect.stringContaining("edited") });
    await addCard(database, "card-2", cast.ids.sams, "A page about cats");
    expect(shown(await checkedPage(database, cast), cast.ids.sams).card).toMatchObject({ title: "A page about cats" });
    await core.db.updateTable("media_attachments").set({ description: "a cat asleep" }).where("id", "=", "m1").execute();
    expect(shown(await checkedPage(database, cast), cast.ids.adas).media_attachments).toMatchObject([{ description: "a cat asleep" }]);
    await core.db.updateTable("custom_emojis").set({ image_url: "https://peer.example/emoji/teacup-2.png" }).where("shortcode", "=", "teacup").execute();
    expect(shown(await checkedPage(database, cast), cast.ids.adas).emojis).toMatchObject([{ url: "https://peer.example/emoji/teacup-2.png" }]);
    await core.db.updateTable("oauth_applications").set({ name: "Quill 2" }).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.plain).application).toMatchObject({ name: "Quill 2" });
    await core.db.updateTable("accounts").set({ url: "https://hearth.example/@cleo-renamed" }).where("id", "=", cast.cleo.id).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.adas).mentions).toMatchObject([{ url: "https://hearth.example/@cleo-renamed" }]);
    await core.db.updateTable("accounts").set({ display_name: "Ada L." }).where("id", "=", cast.ada.id).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.adas).account).toMatchObject({ display_name: "Ada L." });
    // The instance reached by another address: nothing in the database changes.
    expect(shown(await checkedPage(database, cast, "https://other.example"), cast.ids.plain).uri).toMatch(/^https:\/\/other\.example\//);
  });

  it("shows at the next page a filter added, an account marked sensitive and no longer, and a quoted status deleted", async () => {
    database = await openCoreDatabase("status-json-filters");
    const { core } = database;
    const cast = await seed(database);
    await checkedPage(database, cast);
    const filter = await createFilter(core, cast.viewer.id, { title: "Drinks", context: ["home"], keywords: [{ keyword: "coffee" }] });
    await addFilterKeyword(core, cast.viewer.id, filter.filter.id, { keyword: "tea" });
    const filtered = shown(await checkedPage(database, cast), cast.ids.adas).filtered as Array<{ keyword_matches: string[] }>;
    expect(filtered.map((result) => result.keyword_matches)).toEqual([["tea"]]);
    // Marked sensitive by a moderator, Sam's media are sensitive to everyone but Sam (checkedPage reads as Sam too).
    expect(shown(await checkedPage(database, cast), cast.ids.sams).sensitive).toBe(false);
    await core.db.updateTable("accounts").set({ sensitized_at: AT }).where("id", "=", cast.sam.id).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.sams).sensitive).toBe(true);
    await core.db.updateTable("accounts").set({ sensitized_at: null }).where("id", "=", cast.sam.id).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.sams).sensitive).toBe(false);
    await core.db.deleteFrom("statuses").where("id", "=", cast.ids.adas).execute();
    expect(shown(await checkedPage(database, cast), cast.ids.quote).quote).toEqual({ state: "deleted", quoted_status: null });
    await deleteStatus(core, cast.viewer.id, cast.ids.plain);
    expect((await checkedPage(database, cast)).map((status) => status.id)).not.toContain(cast.ids.boost);
  });

  it("writes a page of notifications as the entities are, before and after their statuses change", async () => {
    database = await openCoreDatabase("status-json-notifications");
    const { core } = database;
    const cast = await seed(database);
    await core.db
      .insertInto("notifications")
      .values([
        { id: "600000000000000001", account_id: cast.viewer.id, type: "reblog", from_account_id: cast.ada.id, status_id: cast.ids.plain, group_key: "reblog-1", created_at: AT },
        { id: "600000000000000002", account_id: cast.viewer.id, type: "follow", from_account_id: cast.sam.id, status_id: null, group_key: "follow-1", created_at: AT },
        { id: "600000000000000003", account_id: cast.viewer.id, type: "mention", from_account_id: cast.ada.id, status_id: cast.ids.hidden, group_key: "mention-1", created_at: AT },
      ])
      .execute();
    const check = async () => {
      const rows = await listNotifications(core, cast.viewer.id, {}, FIRST_PAGE);
      const expected = JSON.stringify(await toNotifications(core, rows, cast.viewer.id, ORIGIN));
      for (let i = 0; i < 2; i++) {
        expect(await notificationsJson(core, rows, cast.viewer.id, ORIGIN)).toBe(expected);
        expect(Buffer.from(await notificationsJsonBytes(core, rows, cast.viewer.id, ORIGIN)).equals(Buffer.from(expected))).toBe(true);
      }
      return JSON.parse(expected) as Array<{ type: string; group_key: string; status?: { favourites_count: number; content: string } }>;
    };
    // The mention of a status the viewer may not see is left out.
    expect((await check()).map((notification) => notification.type)).toEqual(["follow", "reblog"]);
    await favouriteStatus(core, cast.cleo.id, cast.ids.plain, { origin: ORIGIN });
    await editStatus(core, { accountId: cast.viewer.id, statusId: cast.ids.plain, text: "Mine, edited" }, { origin: ORIGIN });
    expect((await check()).find((notification) => notification.type === "reblog")?.status).toMatchObject({ favourites_count: 1, content: expect.stringContaining("edited") });
    // A notification's own row changed: its JSON up to the account is kept by the row.
    await core.db.updateTable("notifications").set({ group_key: "reblog-2" }).where("id", "=", "600000000000000001").execute();
    expect((await check()).find((notification) => notification.type === "reblog")).toMatchObject({ group_key: "reblog-2" });
  });
});
