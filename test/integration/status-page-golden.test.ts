import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cachedAccountImagePath } from "../../server/core/media/account-images.ts";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import { notificationsJson, statusesJson } from "../../server/api/entities/page-json.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

// A page of statuses and one of notifications rendered on a fixed fixture (fixed ids and times), compared byte
// for byte with what the renderer answered before its queries were narrowed to the columns the entities show
// (issue #19): every column an entity uses must still be read. Rewrite the golden file only on purpose, with
// HEARTH_WRITE_GOLDEN=1, and read its diff.
const GOLDEN = new URL("../fixtures/golden/status-page.json", import.meta.url);
const ORIGIN = "https://hearth.example";
const AT = "2026-03-01T11:00:00.000Z";

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function seed(db: CoreDatabase) {
  const { core } = db;
  const avatarUrl = "https://peer.example/avatars/ada.png";
  const viewer = await insertTestAccount(core, "viewer", null, { id: "100000000000000001", display_name: "The viewer", created_at: AT });
  const ada = await insertTestAccount(core, "ada", "peer.example", {
    id: "100000000000000002",
    display_name: "Ada :wave:",
    note: "<p>Counting engines</p>",
    fields_json: JSON.stringify([{ name: "Site", value: "<a href=\"https://ada.example\">ada.example</a>", verified_at: AT }]),
    is_bot: 1,
    is_locked: 1,
    url: "https://peer.example/@ada",
    avatar_remote_url: avatarUrl,
    avatar_file: cachedAccountImagePath("100000000000000002", "avatar", avatarUrl, "png"),
    header_remote_url: "https://peer.example/headers/ada.png",
    created_at: AT,
  });
  const gone = await insertTestAccount(core, "gone", "other.example", {
    id: "100000000000000003",
    display_name: "Suspended",
    note: "<p>hidden</p>",
    suspended_at: AT,
    created_at: AT,
  });
  const quiet = await insertTestAccount(core, "quiet", "other.example", { id: "100000000000000004", display_name: "Quiet", silenced_at: AT, created_at: AT });
  await core.db
    .insertInto("custom_emojis")
    .values({ id: "200000000000000001", shortcode: "wave", domain: "peer.example", uri: null, image_url: "https://peer.example/emoji/wave.png", file: null, visible_in_picker: 1, category: null, updated_at: AT })
    .execute();
  await core.db
    .insertInto("follows")
    .values([
      { id: "300000000000000001", account_id: viewer.id, target_account_id: ada.id, state: "accepted", uri: "https://hearth.example/f/1", created_at: AT, updated_at: AT },
      { id: "300000000000000002", account_id: viewer.id, target_account_id: quiet.id, state: "accepted", uri: "https://hearth.example/f/2", created_at: AT, updated_at: AT },
    ])
    .execute();
  const statuses = [
    { id: "400000000000000001", account_id: viewer.id, uri: null, url: null, local: 1, visibility: "public" as const, content: "<p>Mine, hello @ada</p>" },
    { id: "400000000000000002", account_id: ada.id, uri: "https://peer.example/s/2", url: "https://peer.example/@ada/2", local: 0, visibility: "public" as const, content: "<p>Hi :wave:</p>" },
    { id: "400000000000000003", account_id: gone.id, uri: "https://other.example/s/3", url: null, local: 0, visibility: "unlisted" as const, content: "<p>From a suspended one</p>" },
    { id: "400000000000000004", account_id: quiet.id, uri: "https://other.example/s/4", url: null, local: 0, visibility: "public" as const, content: "<p>Quietly</p>" },
  ];
  await core.db
    .insertInto("statuses")
    .values(statuses.map((status) => ({ ...status, created_at: AT, updated_at: AT })))
    .execute();
  await core.db.insertInto("mentions").values({ status_id: "400000000000000001", account_id: ada.id, silent: 0 }).execute();
  await core.db.insertInto("favourites").values({ id: "500000000000000001", account_id: ada.id, status_id: "400000000000000001", created_at: AT }).execute();
  await core.db
    .insertInto("notifications")
    .values([
      { id: "600000000000000001", account_id: viewer.id, type: "favourite", from_account_id: ada.id, status_id: "400000000000000001", group_key: "favourite-1", created_at: AT },
      { id: "600000000000000002", account_id: viewer.id, type: "follow", from_account_id: gone.id, status_id: null, group_key: "follow-3", created_at: AT },
      { id: "600000000000000003", account_id: viewer.id, type: "mention", from_account_id: ada.id, status_id: "400000000000000002", group_key: "mention-2", created_at: AT },
    ])
    .execute();
  return { viewer };
}

describe("a page rendered on a fixed fixture", () => {
  it("is byte for byte the statuses and notifications it was before the renderer's queries were narrowed", async () => {
    database = await openCoreDatabase("status-page-golden");
    const { core } = database;
    const { viewer } = await seed(database);
    const statusRows = await core.db.selectFrom("statuses").selectAll().orderBy("id", "desc").execute();
    const notificationRows = await core.db.selectFrom("notifications").selectAll().orderBy("id", "desc").execute();
    const page = {
      home: await toStatuses(core, statusRows, viewer.id, ORIGIN, { filterContext: "home" }),
      notifications: await toNotifications(core, notificationRows, viewer.id, ORIGIN),
    };
    const rendered = `${JSON.stringify(page, null, 2)}\n`;
    if (process.env.HEARTH_WRITE_GOLDEN === "1") writeFileSync(GOLDEN, rendered);
    expect(existsSync(GOLDEN)).toBe(true);
    expect(rendered).toBe(readFileSync(GOLDEN, "utf8"));
    // The fixture shows what the narrowed columns carry: a cached remote avatar, fields, emoji, a suspended and a silenced account.
    expect(page.home.map((status) => status.account.username)).toEqual(["quiet", "gone", "ada", "viewer"]);
    expect(page.notifications.map((notification) => notification.type)).toEqual(["mention", "follow", "favourite"]);
    // The routes write these pages as JSON text with the accounts' JSON kept across pages (page-json.ts): the same bytes.
    expect(await statusesJson(core, statusRows, viewer.id, ORIGIN, { filterContext: "home" })).toBe(JSON.stringify(page.home));
    expect(await notificationsJson(core, notificationRows, viewer.id, ORIGIN)).toBe(JSON.stringify(page.notifications));
  });
});
