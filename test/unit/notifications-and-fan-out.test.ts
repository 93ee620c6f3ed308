import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { followAccount, unfollowAccount } from "../../server/core/relationships/follows.ts";
import { favouriteStatus, muteConversation, reblogStatus, recordFavourite } from "../../server/core/interactions/interactions.ts";
import { countUnreadNotifications, insertNotification, listNotifications } from "../../server/core/notifications/notifications.ts";
import { findVisibleStatuses } from "../../server/core/visibility/status-visibility.ts";
import { insertStatus } from "../../server/core/statuses/status-store.ts";
import { editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { fanOutStoredStatus } from "../../server/core/statuses/fan-out.ts";

const ORIGIN = "https://hearth.example";
const ALL = { maxId: null, sinceId: null, minId: null, limit: 40 };
const HOUR = 3_600_000;

async function errorOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "",
    (error: Error) => error.message,
  );
}

describe("notifications: each once, never to those who do not want them", () => {
  let db: CoreDatabase;
  let alice: AccountRow;
  let bob: AccountRow;
  let carol: AccountRow;

  beforeEach(async () => {
    await db?.close();
    db = await openCoreDatabase("notifications");
    alice = await insertTestAccount(db.core, "alice");
    bob = await insertTestAccount(db.core, "bob");
    carol = await insertTestAccount(db.core, "carol");
  });
  afterAll(() => db?.close());

  const notificationsOf = async (account: AccountRow) => listNotifications(db.core, account.id, {}, ALL);

  it("stores a notification once however often it is asked for", async () => {
    const status = await postStatus(db.core, { accountId: alice.id, text: "hi", visibility: "public" }, { origin: ORIGIN });
    const input = { accountId: alice.id, type: "favourite" as const, fromAccountId: bob.id, statusId: status.id };
    const first = await db.core.db.transaction().execute((trx) => insertNotification(db.core, trx, input));
    const again = await db.core.db.transaction().execute((trx) => insertNotification(db.core, trx, input));
    expect(first).toBeDefined();
    expect(again).toBeUndefined();
    // A redelivered Like (the same favourite recorded twice) notifies once.
    await recordFavourite(db.core, { accountId: carol.id, statusId: status.id, uri: "https://elsewhere.example/likes/1" });
    await recordFavourite(db.core, { accountId: carol.id, statusId: status.id, uri: "https://elsewhere.example/likes/1" });
    expect((await notificationsOf(alice)).map((row) => row.from_account_id)).toEqual([carol.id, bob.id]);
  });

  it("delivering a status twice writes its feeds and mentions once", async () => {
    await insertFollow(db.core, bob.id, alice.id);
    const status = await postStatus(db.core, { accountId: alice.id, text: "@carol hello", visibility: "public" }, { origin: ORIGIN });
    await fanOutStoredStatus(db.core, status.id);
    expect((await notificationsOf(carol)).map((row) => row.type)).toEqual(["mention"]);
    const home = await db.core.db.selectFrom("home_feed").select("account_id").where("status_id", "=", status.id).execute();
    expect(home.map((row) => row.account_id).sort()).toEqual([alice.id, bob.id].sort());
    const created = db.events.filter((event) => event.type === "status.created" && event.statusId === status.id);
    expect(created).toHaveLength(2);
    expect(created[0]).toMatchObject({ homeAccountIds: [alice.id, bob.id], public: true, local: true });
  });

  it("tells of a new post only the followers who asked to be notified of it (notify=true), not every follower", async () => {
    await insertFollow(db.core, bob.id, alice.id, { notify: true });
    await insertFollow(db.core, carol.id, alice.id);
    const status = await postStatus(db.core, { accountId: alice.id, text: "news", visibility: "public" }, { origin: ORIGIN });
    expect((await notificationsOf(bob)).map((row) => `${row.type} ${row.status_id}`)).toEqual([`status ${status.id}`]);
    expect(await notificationsOf(carol)).toEqual([]);
  });

  it("keeps quiet for blocked and muted senders, muted conversations and one's own acts", async () => {
    const status = await postStatus(db.core, { accountId: alice.id, text: "thread", visibility: "public" }, { origin: ORIGIN });
    const now = db.clock.now().toISOString();
    await db.core.db.insertInto("blocks").values({ id: db.core.ids.next(), account_id: alice.id, target_account_id: bob.id, created_at: now }).execute();
    // Bob cannot see it any more; a Like that arrives anyway (from his server) is stored but not announced.
    expect(await errorOf(favouriteStatus(db.core, bob.id, status.id, { origin: ORIGIN }))).toBe(`There is no status ${status.id}.`);
    await recordFavourite(db.core, { accountId: bob.id, statusId: status.id });
    await db.core.db.insertInto("mutes").values({ id: db.core.ids.next(), account_id: alice.id, target_account_id: carol.id, created_at: now }).execute();
    await favouriteStatus(db.core, carol.id, status.id, { origin: ORIGIN });
    await favouriteStatus(db.core, alice.id, status.id, { origin: ORIGIN });
    expect(await notificationsOf(alice)).toEqual([]);

    // A mute that does not hide notifications lets them through.
    await db.core.db.updateTable("mutes").set({ hide_notifications: 0 }).execute();
    const other = await postStatus(db.core, { accountId: alice.id, text: "another", visibility: "public" }, { origin: ORIGIN });
    await favouriteStatus(db.core, carol.id, other.id, { origin: ORIGIN });
    expect((await notificationsOf(alice)).map((row) => row.status_id)).toEqual([other.id]);

    await muteConversation(db.core, alice.id, other.id);
    const dave = await insertTestAccount(db.core, "dave");
    await postStatus(db.core, { accountId: dave.id, text: "@alice replying", visibility: "public", inReplyToId: other.id }, { origin: ORIGIN });
    expect((await notificationsOf(alice)).map((row) => row.type)).toEqual(["favourite"]);
  });

  it("groups favourites of one status for twelve hours, then starts a new group", async () => {
    const status = await postStatus(db.core, { accountId: alice.id, text: "popular", visibility: "public" }, { origin: ORIGIN });
    await favouriteStatus(db.core, bob.id, status.id, { origin: ORIGIN });
    db.clock.advance(5 * HOUR);
    await favouriteStatus(db.core, carol.id, status.id, { origin: ORIGIN });
    db.clock.advance(8 * HOUR);
    const dave = await insertTestAccount(db.core, "dave");
    await favouriteStatus(db.core, dave.id, status.id, { origin: ORIGIN });
    const keys = (await notificationsOf(alice)).map((row) => row.group_key);
    expect(keys[1]).toBe(keys[2]);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[0]).toMatch(new RegExp(`^favourite-${status.id}-\\d+$`));
  });

  it("tells those who boosted a status of each edit, as a fresh notification", async () => {
    const status = await postStatus(db.core, { accountId: alice.id, text: "draft", visibility: "public" }, { origin: ORIGIN });
    await reblogStatus(db.core, bob.id, status.id);
    await editStatus(db.core, { accountId: alice.id, statusId: status.id, text: "draft 2" }, { origin: ORIGIN });
    const first = (await notificationsOf(bob)).filter((row) => row.type === "update");
    db.clock.advance(1000);
    await editStatus(db.core, { accountId: alice.id, statusId: status.id, text: "draft 3" }, { origin: ORIGIN });
    const second = (await notificationsOf(bob)).filter((row) => row.type === "update");
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]!.id > first[0]!.id).toBe(true);
    expect(db.published.filter((activity) => activity.type === "status.updated")).toHaveLength(2);
  });

  it("counts as unread only the notifications the list shows: none about statuses the reader cannot see", async () => {
    const status = await postStatus(db.core, { accountId: alice.id, text: "draft", visibility: "public" }, { origin: ORIGIN });
    const other = await postStatus(db.core, { accountId: carol.id, text: "still public", visibility: "public" }, { origin: ORIGIN });
    await reblogStatus(db.core, bob.id, status.id);
    await reblogStatus(db.core, bob.id, other.id);
    await editStatus(db.core, { accountId: alice.id, statusId: status.id, text: "draft 2" }, { origin: ORIGIN });
    await editStatus(db.core, { accountId: carol.id, statusId: other.id, text: "still public, edited" }, { origin: ORIGIN });
    await db.core.db.transaction().execute((trx) => insertNotification(db.core, trx, { accountId: bob.id, type: "follow", fromAccountId: carol.id, statusId: null }));
    const unread = () => countUnreadNotifications(db.core, bob.id, {}, 100);
    expect(await unread()).toBe(3);

    // Alice's status turns followers-only (bob does not follow her): the list drops its update, so must the count.
    await db.core.db.updateTable("statuses").set({ visibility: "private" }).where("id", "=", status.id).execute();
    expect(await findVisibleStatuses(db.core.db, [status.id], bob.id)).toEqual([]);
    expect(await unread()).toBe(2);
    expect(await countUnreadNotifications(db.core, bob.id, { types: ["update"] }, 100)).toBe(1);

    // Carol blocking bob hides her status from him too; the follow (no status) still counts.
    const now = db.clock.now().toISOString();
    await db.core.db.insertInto("blocks").values({ id: db.core.ids.next(), account_id: carol.id, target_account_id: bob.id, created_at: now }).execute();
    expect(await unread()).toBe(1);
  });
});

describe("home feeds: Mastodon's filters as a status fans out", () => {
  let db: CoreDatabase;
  let author: AccountRow;
  let reader: AccountRow;

  beforeEach(async () => {
    await db?.close();
    db = await openCoreDatabase("fan-out");
    author = await insertTestAccount(db.core, "author");
    reader = await insertTestAccount(db.core, "reader");
  });
  afterAll(() => db?.close());

  const homeOf = async (account: AccountRow) =>
    (await db.core.db.selectFrom("home_feed").select("status_id").where("account_id", "=", account.id).execute()).map((row) => row.status_id);

  it("leaves out the boosts of a follow made without reblogs", async () => {
    const other = await insertTestAccount(db.core, "other");
    await insertFollow(db.core, reader.id, author.id, { showReblogs: false });
    const original = await postStatus(db.core, { accountId: other.id, text: "original", visibility: "public" }, { origin: ORIGIN });
    const boost = await reblogStatus(db.core, author.id, original.id);
    const own = await postStatus(db.core, { accountId: author.id, text: "mine", visibility: "public" }, { origin: ORIGIN });
    expect(await homeOf(reader)).toEqual([own.id]);
    expect(await homeOf(author)).toContain(boost.id);
  });

  it("does not show a boost in the booster's own home when the boosted status is already there", async () => {
    const followed = await insertTestAccount(db.core, "followed-twice");
    await insertFollow(db.core, author.id, followed.id);
    const original = await postStatus(db.core, { accountId: followed.id, text: "seen already", visibility: "public" }, { origin: ORIGIN });
    expect(await homeOf(author)).toContain(original.id);
    const boost = await reblogStatus(db.core, author.id, original.id);
    expect(await homeOf(author)).not.toContain(boost.id);
  });

  it("leaves out replies to accounts the reader does not follow", async () => {
    const followed = await insertTestAccount(db.core, "followed");
    const stranger = await insertTestAccount(db.core, "stranger");
    await insertFollow(db.core, reader.id, author.id);
    await insertFollow(db.core, reader.id, followed.id);
    const toStranger = await postStatus(db.core, { accountId: stranger.id, text: "hi", visibility: "public" }, { origin: ORIGIN });
    const toFollowed = await postStatus(db.core, { accountId: followed.id, text: "hi", visibility: "public" }, { origin: ORIGIN });
    const replyToStranger = await postStatus(db.core, { accountId: author.id, text: "@stranger yes", visibility: "public", inReplyToId: toStranger.id }, { origin: ORIGIN });
    const replyToFollowed = await postStatus(db.core, { accountId: author.id, text: "@followed yes", visibility: "public", inReplyToId: toFollowed.id }, { origin: ORIGIN });
    const home = await homeOf(reader);
    expect(home).toContain(replyToFollowed.id);
    expect(home).not.toContain(replyToStranger.id);
  });

  it("brings an account's recent statuses into home on following, and takes them out on unfollowing", async () => {
    const earlier = await postStatus(db.core, { accountId: author.id, text: "before you came", visibility: "public" }, { origin: ORIGIN });
    const secret = await postStatus(db.core, { accountId: author.id, text: "followers only", visibility: "private" }, { origin: ORIGIN });
    await postStatus(db.core, { accountId: author.id, text: "a word in private", visibility: "direct" }, { origin: ORIGIN });
    await followAccount(db.core, reader.id, author.id, { origin: ORIGIN });
    expect((await homeOf(reader)).sort()).toEqual([earlier.id, secret.id].sort());
    await unfollowAccount(db.core, reader.id, author.id);
    expect(await homeOf(reader)).toEqual([]);
  });

  it("stores remote arrivals for local followers without publishing them again", async () => {
    const remote = await insertTestAccount(db.core, "far", "far.example");
    await insertFollow(db.core, reader.id, remote.id);
    const stored = await db.core.db.transaction().execute((trx) =>
      insertStatus(db.core, trx, {
        accountId: remote.id,
        local: false,
        uri: "https://far.example/notes/1",
        visibility: "private",
        content: "<p>for followers #far</p>",
        createdAt: db.clock.now().toISOString(),
        tags: ["Far"],
        mentions: [{ accountId: reader.id }],
        remoteMedia: [{ remoteUrl: "https://far.example/media/1.png", type: "image", description: "a cat" }],
      }),
    );
    await fanOutStoredStatus(db.core, stored.id);
    expect(await homeOf(reader)).toEqual([stored.id]);
    expect(db.published).toEqual([]);
    // The search row holds the text and the alt text.
    const search = await db.core.db.selectFrom("status_search").select("body").where("status_id", "=", stored.id).executeTakeFirst();
    expect(search?.body).toBe("for followers #far\na cat");
  });
});
