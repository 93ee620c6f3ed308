import { afterEach, describe, expect, it } from "vitest";
import { notificationsJson, notificationsJsonBytes, statusesJson, statusesJsonBytes } from "../../server/api/entities/page-json.ts";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import type { NotificationRow, StatusRow } from "../../server/core/rows.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

// The timelines and notifications routes write their pages with page-json.ts, each account's JSON kept across
// pages (account-json.ts). Every page here is compared with JSON.stringify of the entities rendered afresh.
const ORIGIN = "https://hearth.example";
const AT = "2026-03-01T11:00:00.000Z";

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function seed(db: CoreDatabase, content = "<p>Hi :wave:</p>") {
  const { core } = db;
  const viewer = await insertTestAccount(core, "viewer", null, { display_name: "The viewer", created_at: AT });
  const ada = await insertTestAccount(core, "ada", "peer.example", { display_name: "Ada :wave:", created_at: AT, avatar_remote_url: "https://peer.example/a.png" });
  await core.db
    .insertInto("custom_emojis")
    .values({ id: "200000000000000001", shortcode: "wave", domain: "peer.example", uri: null, image_url: "https://peer.example/emoji/wave.png", file: null, visible_in_picker: 1, category: null, updated_at: AT })
    .execute();
  await core.db
    .insertInto("statuses")
    .values([
      { id: "400000000000000001", account_id: viewer.id, uri: null, url: null, local: 1, visibility: "public", content: "<p>Mine</p>", created_at: AT, updated_at: AT },
      { id: "400000000000000002", account_id: ada.id, uri: "https://peer.example/s/2", url: null, local: 0, visibility: "public", content, created_at: AT, updated_at: AT },
      { id: "400000000000000003", account_id: ada.id, uri: "https://peer.example/s/3", url: null, local: 0, visibility: "public", content: "<p>Again</p>", created_at: AT, updated_at: AT, reblog_of_id: "400000000000000001" },
    ])
    .execute();
  const rows = async (): Promise<StatusRow[]> => db.core.db.selectFrom("statuses").selectAll().orderBy("id", "desc").execute();
  /** The page as the route writes it, after checking it is the entities' JSON byte for byte. */
  const page = async (origin = ORIGIN): Promise<string> => {
    const statuses = await rows();
    const json = await statusesJson(core, statuses, viewer.id, origin, { filterContext: "home" });
    expect(json).toBe(JSON.stringify(await toStatuses(core, statuses, viewer.id, origin, { filterContext: "home" })));
    // As the route answers it: the same text's UTF-8, byte for byte.
    expect(Buffer.from(await statusesJsonBytes(core, statuses, viewer.id, origin, { filterContext: "home" })).equals(Buffer.from(json))).toBe(true);
    return json;
  };
  return { viewer, ada, page };
}

function adaOf(json: string): { display_name: string; followers_count: number; avatar: string; emojis: Array<{ url: string }> } {
  const statuses = JSON.parse(json) as Array<{ account: { username: string } & ReturnType<typeof adaOf> }>;
  const account = statuses.find((status) => status.account.username === "ada")?.account;
  if (!account) throw new Error("Ada's status is not on the page.");
  return account;
}

describe("a page written as JSON with its accounts' JSON kept across pages", () => {
  it("shows an account's new name, numbers, emoji and addresses as soon as they change", async () => {
    database = await openCoreDatabase("page-json-changes");
    const { core } = database;
    const { viewer, ada, page } = await seed(database);
    expect(adaOf(await page()).display_name).toBe("Ada :wave:");
    // Twice: the second page takes the kept JSON.
    expect(adaOf(await page()).followers_count).toBe(0);

    await core.db.updateTable("accounts").set({ display_name: "Ada L." }).where("id", "=", ada.id).execute();
    expect(adaOf(await page()).display_name).toBe("Ada L.");

    await core.db
      .insertInto("follows")
      .values({ id: "300000000000000001", account_id: viewer.id, target_account_id: ada.id, state: "accepted", uri: "https://hearth.example/f/1", created_at: AT, updated_at: AT })
      .execute();
    expect(adaOf(await page()).followers_count).toBe(1);

    // The emoji's row changes, not the account's: the kept JSON must not show the old picture.
    await core.db.updateTable("accounts").set({ display_name: "Ada :wave:" }).where("id", "=", ada.id).execute();
    expect(adaOf(await page()).emojis.map((emoji) => emoji.url)).toEqual(["https://peer.example/emoji/wave.png"]);
    await core.db.updateTable("custom_emojis").set({ image_url: "https://peer.example/emoji/wave-2.png" }).execute();
    expect(adaOf(await page()).emojis.map((emoji) => emoji.url)).toEqual(["https://peer.example/emoji/wave-2.png"]);

    // The instance reached by another address: nothing in the database changes.
    expect(adaOf(await page()).avatar.startsWith(`${ORIGIN}/`)).toBe(true);
    expect(adaOf(await page("https://other.example")).avatar.startsWith("https://other.example/")).toBe(true);
  });

  it("shows a status's emoji as soon as an edit of its text names one, and no more once it names none", async () => {
    database = await openCoreDatabase("page-json-status-emoji");
    const { core } = database;
    const { page } = await seed(database, "<p>Hi</p>");
    const emojiOfAda = (json: string) =>
      (JSON.parse(json) as Array<{ id: string; emojis: Array<{ shortcode: string }> }>).find((status) => status.id === "400000000000000002")!.emojis.map((emoji) => emoji.shortcode);
    expect(emojiOfAda(await page())).toEqual([]);
    await core.db.updateTable("statuses").set({ content: "<p>Hi :wave:</p>" }).where("id", "=", "400000000000000002").execute();
    expect(emojiOfAda(await page())).toEqual(["wave"]);
    // Twice: the second page takes what was found in the same row.
    expect(emojiOfAda(await page())).toEqual(["wave"]);
    await core.db.updateTable("statuses").set({ content: "<p>Bye</p>" }).where("id", "=", "400000000000000002").execute();
    expect(emojiOfAda(await page())).toEqual([]);
  });

  it("writes each account where its entity goes, whatever the text of a status or name says", async () => {
    database = await openCoreDatabase("page-json-forgery");
    const { core } = database;
    const forged = '<p>,"account":0,"account":1}</p>';
    const { ada, page } = await seed(database, forged);
    await core.db.updateTable("accounts").set({ display_name: ',"account":0' }).where("id", "=", ada.id).execute();
    const statuses = JSON.parse(await page()) as Array<{ content: string; account: { username: string; display_name: string }; reblog: { account: { username: string } } | null }>;
    // The text is shown as written, and the accounts (a boost's too) are the authors'.
    expect(statuses.map((status) => status.content)).toContain(forged);
    expect(statuses.map((status) => status.account.username)).toEqual(["ada", "ada", "viewer"]);
    expect(statuses[0]!.reblog?.account.username).toBe("viewer");
    expect(statuses[0]!.account.display_name).toBe(',"account":0');
  });

  it("writes a page's bytes as the UTF-8 of the entities' JSON, with text of more than one byte a character before and inside the accounts", async () => {
    database = await openCoreDatabase("page-json-bytes");
    const { core } = database;
    const { viewer, ada, page } = await seed(database, '<p>café ☕ 👋 ,"account":0 naïve</p>');
    await core.db.updateTable("accounts").set({ display_name: "Ada ✨ Lovelace 🧮", note: "<p>Zürich</p>" }).where("id", "=", ada.id).execute();
    const json = await page();
    expect(Buffer.byteLength(json)).toBeGreaterThan(json.length);
    expect(adaOf(json).display_name).toBe("Ada ✨ Lovelace 🧮");
    expect(new TextDecoder().decode(await statusesJsonBytes(core, [], viewer.id, ORIGIN))).toBe("[]");
    expect(new TextDecoder().decode(await notificationsJsonBytes(core, [], viewer.id, ORIGIN))).toBe("[]");
  });

  it("writes a page of notifications that name no status (follows) or a report as the entities are", async () => {
    database = await openCoreDatabase("page-json-follows");
    const { core } = database;
    const { viewer, ada } = await seed(database);
    await core.db
      .insertInto("notifications")
      .values([
        { id: "600000000000000001", account_id: viewer.id, type: "follow", from_account_id: ada.id, status_id: null, group_key: "follow-1", created_at: AT },
        { id: "600000000000000002", account_id: viewer.id, type: "favourite", from_account_id: ada.id, status_id: "400000000000000001", group_key: "favourite-1", created_at: AT },
      ])
      .execute();
    // A moderator's notification of a report: the report names its target as an entity.
    await core.db
      .insertInto("reports")
      .values({ id: "700000000000000001", account_id: ada.id, target_account_id: viewer.id, status_ids_json: "[]", comment: "spam", category: "spam", forward: 0, uri: null, action_taken_at: null, created_at: AT, updated_at: AT })
      .execute();
    await core.db
      .insertInto("notifications")
      .values({ id: "600000000000000003", account_id: viewer.id, type: "admin.report", from_account_id: ada.id, status_id: null, report_id: "700000000000000001", group_key: "report-1", created_at: AT })
      .execute();
    const all: NotificationRow[] = await core.db.selectFrom("notifications").selectAll().orderBy("id", "desc").execute();
    expect(all.map((row) => row.type)).toEqual(["admin.report", "favourite", "follow"]);
    for (const rows of [all.filter((row) => row.type === "follow"), all]) {
      const json = await notificationsJson(core, rows, viewer.id, ORIGIN);
      expect(json).toBe(JSON.stringify(await toNotifications(core, rows, viewer.id, ORIGIN)));
      expect(Buffer.from(await notificationsJsonBytes(core, rows, viewer.id, ORIGIN)).equals(Buffer.from(json))).toBe(true);
      expect((JSON.parse(json) as Array<{ account: { username: string } }>).map((notification) => notification.account.username)).toEqual(rows.map(() => "ada"));
    }
    const [report] = JSON.parse(await notificationsJson(core, all, viewer.id, ORIGIN)) as Array<{ report?: { target_account: { username: string } } }>;
    expect(report?.report?.target_account.username).toBe("viewer");
  });
});
