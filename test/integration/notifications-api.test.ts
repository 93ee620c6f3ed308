import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followAccount } from "../../server/core/relationships/follows.ts";
import { closeExpiredPolls } from "../../server/core/statuses/polls.ts";
import { publishDueStatuses } from "../../server/core/statuses/scheduled-statuses.ts";
import { addLocalAccount, apiUser, errorOf, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

describe("notifications, polls, conversations, markers and scheduled statuses between local accounts", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;
  let carol: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    carol = await apiUser(home.core, home.url, await addLocalAccount(home.core, "carol"));
  });
  afterAll(() => group?.close());

  it("notifies of mentions, favourites and boosts, once each, and filters by type and account", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Hello @bob and @carol" });
    await bob.client.v1.statuses.$select(posted.id).favourite();
    await bob.client.v1.statuses.$select(posted.id).reblog();
    await carol.client.v1.statuses.$select(posted.id).favourite();
    // Favouriting again changes nothing.
    await carol.client.v1.statuses.$select(posted.id).favourite();

    const mentions = await bob.client.v1.notifications.list({ types: ["mention"] });
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({ type: "mention", account: { id: alice.account.id }, status: { id: posted.id } });
    expect(mentions[0]?.createdAt).toMatch(/\.\d{3}Z$/);

    const forAlice = await alice.client.v1.notifications.list();
    expect(forAlice.map((notification) => [notification.type, notification.account.id])).toEqual([
      ["favourite", carol.account.id],
      ["reblog", bob.account.id],
      ["favourite", bob.account.id],
    ]);
    expect((await alice.client.v1.notifications.list({ excludeTypes: ["favourite"] })).map((n) => n.type)).toEqual(["reblog"]);
    expect((await alice.client.v1.notifications.list({ accountId: carol.account.id })).map((n) => n.type)).toEqual(["favourite"]);
    // Each filter's values are the request's own, whatever was asked before with as many of them.
    expect((await alice.client.v1.notifications.list({ types: ["reblog"] })).map((n) => n.type)).toEqual(["reblog"]);
    expect((await alice.client.v1.notifications.list({ types: ["favourite"] })).map((n) => n.account.id)).toEqual([carol.account.id, bob.account.id]);
    expect((await alice.client.v1.notifications.list({ types: ["favourite", "reblog"], excludeTypes: ["favourite"] })).map((n) => n.type)).toEqual(["reblog"]);
    expect((await alice.client.v1.notifications.list({ accountId: bob.account.id })).map((n) => n.type)).toEqual(["reblog", "favourite"]);
    // Paged by id either way, newest first.
    const [newest, middle, oldest] = forAlice;
    expect((await alice.client.v1.notifications.list({ maxId: newest!.id })).map((n) => n.id)).toEqual([middle!.id, oldest!.id]);
    expect((await alice.client.v1.notifications.list({ sinceId: oldest!.id })).map((n) => n.id)).toEqual([newest!.id, middle!.id]);
    expect((await alice.client.v1.notifications.list({ minId: oldest!.id, limit: 1 })).map((n) => n.id)).toEqual([middle!.id]);
    expect((await alice.client.v1.notifications.list({ maxId: newest!.id, minId: oldest!.id })).map((n) => n.id)).toEqual([middle!.id]);

    // One notification by id; someone else's is not found.
    const first = forAlice[0]!;
    expect((await alice.client.v1.notifications.$select(first.id).fetch()).id).toBe(first.id);
    expect((await errorOf(bob.client.v1.notifications.$select(first.id).fetch())).status).toBe(404);

    // Unfavouriting takes the notification back.
    await carol.client.v1.statuses.$select(posted.id).unfavourite();
    expect((await alice.client.v1.notifications.list({ accountId: carol.account.id })).map((n) => n.type)).toEqual([]);
    await carol.client.v1.statuses.$select(posted.id).favourite();
  });

  it("groups favourites and boosts of one status in v2, with counts and sample accounts", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Group these" });
    await bob.client.v1.statuses.$select(posted.id).favourite();
    await carol.client.v1.statuses.$select(posted.id).favourite();
    await bob.client.v1.statuses.$select(posted.id).reblog();

    const response = await alice.request("/api/v2/notifications?limit=2");
    expect(response.status).toBe(200);
    const grouped = (await response.json()) as {
      accounts: Array<{ id: string }>;
      statuses: Array<{ id: string }>;
      notification_groups: Array<Record<string, unknown>>;
    };
    expect(grouped.notification_groups.map((g) => [g.type, g.notifications_count, g.status_id])).toEqual([
      ["reblog", 1, posted.id],
      ["favourite", 2, posted.id],
    ]);
    expect(grouped.notification_groups[1]?.sample_account_ids).toEqual([carol.account.id, bob.account.id]);
    expect(grouped.accounts.map((account) => account.id).sort()).toEqual([bob.account.id, carol.account.id].sort());
    expect(grouped.statuses.map((status) => status.id)).toEqual([posted.id]);
    expect(response.headers.get("link")).toContain("max_id=");

    // As an app that reads api_versions.mastodon >= 2 asks for them, through masto.
    const viaMasto = await alice.client.v2.notifications.list({ limit: 2 });
    expect(viaMasto.notificationGroups.map((group) => [group.type, group.notificationsCount])).toEqual([
      ["reblog", 1],
      ["favourite", 2],
    ]);
    expect(viaMasto.statuses.map((status) => status.id)).toEqual([posted.id]);
    expect((await alice.client.v2.notifications.unreadCount.fetch()).count).toBeGreaterThanOrEqual(3);

    const groupKey = grouped.notification_groups[1]?.group_key as string;
    expect((await alice.client.v2.notifications.$select(groupKey).accounts.fetch()).map((account) => account.id)).toEqual([carol.account.id, bob.account.id]);
    expect((await alice.request(`/api/v2/notifications/${groupKey}`)).status).toBe(200);
    const accounts = (await (await alice.request(`/api/v2/notifications/${groupKey}/accounts`)).json()) as Array<{ id: string }>;
    expect(accounts.map((account) => account.id)).toEqual([carol.account.id, bob.account.id]);
    expect((await alice.request(`/api/v2/notifications/${groupKey}/dismiss`, { method: "POST" })).status).toBe(200);
    expect((await alice.request(`/api/v2/notifications/${groupKey}`)).status).toBe(404);

    // Without grouping, each notification stands alone.
    const ungrouped = (await (await alice.request("/api/v2/notifications?grouped_types[]=follow&types[]=reblog&limit=5")).json()) as {
      notification_groups: Array<{ group_key: string; type: string }>;
    };
    expect(ungrouped.notification_groups.every((g) => g.type === "reblog" && g.group_key.startsWith("ungrouped-"))).toBe(true);
  });

  it("counts unread notifications above the marker, dismisses one and clears all", async () => {
    const [newest] = await alice.client.v1.notifications.list({ limit: 1 });
    await alice.client.v1.markers.create({ notifications: { lastReadId: newest!.id } });
    const markers = await alice.client.v1.markers.fetch({ timeline: ["notifications", "home"] });
    expect(markers.notifications?.lastReadId).toBe(newest!.id);
    expect(markers.notifications?.version).toBe(1);
    expect(markers.home).toBeUndefined();
    const unread = async () => ((await (await alice.request("/api/v1/notifications/unread_count")).json()) as { count: number }).count;
    expect(await unread()).toBe(0);

    const posted = await alice.client.v1.statuses.create({ status: "More" });
    await bob.client.v1.statuses.$select(posted.id).favourite();
    expect(await unread()).toBe(1);

    const [latest] = await alice.client.v1.notifications.list({ limit: 1 });
    await alice.client.v1.notifications.$select(latest!.id).dismiss();
    expect(await unread()).toBe(0);
    expect((await alice.request(`/api/v1/notifications/${latest!.id}/dismiss`, { method: "POST" })).status).toBe(404);

    await alice.client.v1.notifications.clear();
    expect(await alice.client.v1.notifications.list()).toEqual([]);
    // Hearth filters no one into notification requests: the list is empty, not missing.
    expect(await (await alice.request("/api/v1/notifications/requests")).json()).toEqual([]);
  });

  it("notifies of new followers and of follow requests to a locked account", async () => {
    await followAccount(home.core, carol.account.id, alice.account.id, { origin: home.url });
    expect((await alice.client.v1.notifications.list({ types: ["follow"] })).map((n) => n.account.id)).toEqual([carol.account.id]);
    await home.core.db.updateTable("accounts").set({ is_locked: 1 }).where("id", "=", bob.account.id).execute();
    await followAccount(home.core, carol.account.id, bob.account.id, { origin: home.url });
    expect((await bob.client.v1.notifications.list({ types: ["follow_request"] })).map((n) => n.account.id)).toEqual([carol.account.id]);
    await home.core.db.updateTable("accounts").set({ is_locked: 0 }).where("id", "=", bob.account.id).execute();
  });

  it("notifies followers who asked to hear of every post", async () => {
    await home.core.db.updateTable("follows").set({ notify: 1 }).where("account_id", "=", carol.account.id).execute();
    const posted = await alice.client.v1.statuses.create({ status: "News!" });
    const notifications = await carol.client.v1.notifications.list({ types: ["status"] });
    expect(notifications.map((notification) => notification.status?.id)).toEqual([posted.id]);
  });

  it("takes votes with every check Mastodon makes, and tells voters when the poll ends", async () => {
    const single = await alice.client.v1.statuses.create({ status: "Tea or coffee?", poll: { options: ["Tea", "Coffee", "Water"], expiresIn: 600 } });
    const pollId = single.poll!.id;
    const voted = await bob.client.v1.polls.$select(pollId).votes.create({ choices: [1] });
    expect(voted.voted).toBe(true);
    expect(voted.ownVotes).toEqual([1]);
    expect(voted.votesCount).toBe(1);
    expect(voted.votersCount).toBe(1);
    expect(voted.options.map((option) => option.votesCount)).toEqual([0, 1, 0]);

    expect(await errorOf(bob.client.v1.polls.$select(pollId).votes.create({ choices: [0] }))).toEqual({ status: 422, message: "You have already voted on this poll." });
    expect(await errorOf(alice.client.v1.polls.$select(pollId).votes.create({ choices: [0] }))).toEqual({ status: 422, message: "You cannot vote on your own poll." });
    expect(await errorOf(carol.client.v1.polls.$select(pollId).votes.create({ choices: [0, 1] }))).toEqual({ status: 422, message: "This poll allows one choice only." });
    expect(await errorOf(carol.client.v1.polls.$select(pollId).votes.create({ choices: [3] }))).toEqual({
      status: 422,
      message: "There is no option 3 in this poll; choose from 0 to 2.",
    });
    expect((await errorOf(carol.client.v1.polls.$select("999999999999999999").votes.create({ choices: [0] }))).status).toBe(404);

    const multiple = await alice.client.v1.statuses.create({ status: "Which days?", poll: { options: ["Mon", "Tue"], expiresIn: 600, multiple: true, hideTotals: true } });
    const both = await carol.client.v1.polls.$select(multiple.poll!.id).votes.create({ choices: [0, 1] });
    expect(both.ownVotes).toEqual([0, 1]);
    // Totals stay hidden from voters until the poll ends; its author sees them.
    expect(both.options.map((option) => option.votesCount)).toEqual([null, null]);
    expect((await alice.client.v1.polls.$select(multiple.poll!.id).fetch()).options.map((option) => option.votesCount)).toEqual([1, 1]);

    // Time passes: the poll ends, and voters and author are told.
    await home.core.db.updateTable("polls").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", pollId).execute();
    await closeExpiredPolls(home.core);
    expect(await errorOf(carol.client.v1.polls.$select(pollId).votes.create({ choices: [0] }))).toEqual({ status: 422, message: "This poll has already ended." });
    expect((await bob.client.v1.notifications.list({ types: ["poll"] })).map((n) => n.status?.id)).toEqual([single.id]);
    expect((await alice.client.v1.notifications.list({ types: ["poll"] })).map((n) => n.status?.id)).toEqual([single.id]);
    expect((await carol.client.v1.polls.$select(pollId).fetch()).expired).toBe(true);
  });

  it("keeps direct conversations for each participant, unread until read", async () => {
    const opened = await alice.client.v1.statuses.create({ status: "@bob a secret", visibility: "direct" });
    const answer = await bob.client.v1.statuses.create({ status: "@alice got it", visibility: "direct", inReplyToId: opened.id });
    const [forAlice] = await alice.client.v1.conversations.list();
    expect(forAlice?.lastStatus?.id).toBe(answer.id);
    expect(forAlice?.unread).toBe(true);
    expect(forAlice?.accounts.map((account) => account.id)).toEqual([bob.account.id]);
    const read = await alice.client.v1.conversations.$select(forAlice!.id).read();
    expect(read.unread).toBe(false);
    await alice.client.v1.conversations.$select(forAlice!.id).remove();
    expect((await alice.client.v1.conversations.list()).map((conversation) => conversation.id)).not.toContain(forAlice!.id);
    expect((await carol.client.v1.conversations.list()).map((conversation) => conversation.lastStatus?.id)).not.toContain(answer.id);
  });

  it("schedules a status, moves it, lists it, and posts it when its time comes", async () => {
    const at = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const response = await alice.request("/api/v1/statuses", jsonBody("POST", { status: "From the past", scheduled_at: at, visibility: "unlisted" }));
    expect(response.status).toBe(200);
    const scheduled = (await response.json()) as { id: string; scheduled_at: string; params: { text: string; visibility: string } };
    expect(scheduled.scheduled_at).toBe(at);
    expect(scheduled.params).toMatchObject({ text: "From the past", visibility: "unlisted" });

    const soon = await alice.request("/api/v1/statuses", jsonBody("POST", { status: "Too soon", scheduled_at: new Date(Date.now() + 60_000).toISOString() }));
    expect(soon.status).toBe(422);
    expect(((await soon.json()) as { error: string }).error).toBe("A status can be scheduled at least 5 minutes ahead.");

    const later = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString();
    const moved = await alice.request(`/api/v1/scheduled_statuses/${scheduled.id}`, jsonBody("PUT", { scheduled_at: later }));
    expect(((await moved.json()) as { scheduled_at: string }).scheduled_at).toBe(later);
    const listed = await alice.client.v1.scheduledStatuses.list();
    expect(listed.map((item) => item.id)).toEqual([scheduled.id]);
    expect((await bob.request(`/api/v1/scheduled_statuses/${scheduled.id}`)).status).toBe(404);

    // Its time comes.
    await home.core.db.updateTable("scheduled_statuses").set({ scheduled_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", scheduled.id).execute();
    expect(await publishDueStatuses(home.core, { origin: home.url })).toBe(1);
    expect(await alice.client.v1.scheduledStatuses.list()).toEqual([]);
    const [latest] = await alice.client.v1.accounts.$select(alice.account.id).statuses.list({ limit: 1 });
    expect(latest?.content).toBe("<p>From the past</p>");
    expect(latest?.visibility).toBe("unlisted");
  });
});
