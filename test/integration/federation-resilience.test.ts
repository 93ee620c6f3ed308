import { sql } from "kysely";
import type { mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reblogStatus } from "../../server/core/interactions/interactions.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import type { CatchUpTiming } from "../../server/federation/catch-up.ts";
import type { DeliveryTiming } from "../../server/federation/delivery-policy.ts";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { arrivedOn, drained, follow, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { StatusRow } from "../../server/core/rows.ts";

/** A peer that keeps retrying, as Hearth and Mastodon do, but within seconds rather than days. */
const QUICK_RETRIES: DeliveryTiming = {
  retry: { initialDelay: { milliseconds: 200 }, maxDelay: { seconds: 1 }, maxAttempts: 60 },
  hostRecoveryDelay: { seconds: 1 },
};
/** A peer that gives up after the first failed delivery, as GoToSocial does after a few minutes. */
const GIVES_UP: DeliveryTiming = { retry: { maxAttempts: 0 } };
/** Catching up at every start as after a long absence (paging back), without the waits that spare real peers. */
const EAGER_CATCH_UP: Partial<CatchUpTiming> = { startDelayMs: 0, deepReadAfterMs: 0, perHostIntervalMs: 0 };

function post(instance: TestInstance, text: string, extra: Partial<Parameters<typeof postStatus>[1]> = {}): Promise<StatusRow> {
  return postStatus(instance.core, { accountId: instance.owner.id, text, ...extra }, { origin: instance.url });
}

/** How many times each of these statuses (by ActivityPub id) is in the user's home timeline, as a client sees it. */
async function homeCounts(user: ApiUser, uris: readonly string[]): Promise<number[]> {
  const home: mastodon.v1.Status[] = await user.client.v1.timelines.home.list({ limit: 40 });
  return uris.map((uri) => home.filter((status) => status.uri === uri).length);
}

/** The user's notifications of a kind about the status with this ActivityPub id (or a boost of it). */
async function notificationsAbout(user: ApiUser, type: string, uri: string): Promise<mastodon.v1.Notification[]> {
  const notifications: mastodon.v1.Notification[] = await user.client.v1.notifications.list({ limit: 80 });
  return notifications.filter((notification) => notification.type === type && notification.status?.uri === uri);
}

/**
 * Whether `instance` has given up on everything it could not deliver: nothing in its queue is due within a
 * minute. What is left is held by its circuit breaker for the down host, which would try again only later.
 */
async function hasGivenUp(instance: TestInstance): Promise<boolean> {
  const dueSoon = Date.now() + 60_000;
  const rows = await sql<{ count: number }>`SELECT count(*) AS count FROM fedify_messages WHERE due_at < ${dueSoon}`.execute(instance.core.db);
  return rows.rows[0]?.count === 0;
}

/** Whether a delivery from `instance` has failed at least once and waits in its queue for another try. */
async function hasFailedDeliveryWaiting(instance: TestInstance): Promise<boolean> {
  const rows = await sql<{ message: string }>`SELECT message FROM fedify_messages`.execute(instance.core.db);
  return rows.rows.some((row) => {
    const message = JSON.parse(row.message) as { type?: string; attempt?: number };
    return message.type === "outbox" && (message.attempt ?? 0) >= 1;
  });
}

describe("a delivery survives the recipient's restart", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let bobUser: ApiUser;

  beforeAll(async () => {
    group = await startInstances([
      { username: "alice", options: { deliveryTiming: QUICK_RETRIES } },
      { username: "bob", options: { catchUp: EAGER_CATCH_UP } },
    ]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    await follow(bob, alice);
    bobUser = await apiUser(bob.core, bob.url, bob.owner);
  });
  afterAll(() => group?.close());

  it("waits in alice's queue while bob is down and is delivered, once, when he is back", async () => {
    await group.stop(bob);
    const open = await post(alice, "Posted while bob was away");
    const private_ = await post(alice, `Only for followers, @bob@${bob.host}`, { visibility: "private" });
    await waitFor(() => hasFailedDeliveryWaiting(alice), { what: "alice's delivery to fail and wait for a retry" });

    await group.start(bob);
    const uris = [statusUri(alice, open), statusUri(alice, private_)];
    for (const uri of uris) await arrivedOn(bob, uri);
    // Both ways of getting here have run: alice's retries, and bob's catch-up of her outbox at start.
    await drained(alice, bob);
    await bob.running.catchUp.whenIdle();

    expect(await homeCounts(bobUser, uris)).toEqual([1, 1]);
    expect(await notificationsAbout(bobUser, "mention", statusUri(alice, private_))).toHaveLength(1);
    const visibility = await bob.core.db.selectFrom("statuses").select(["uri", "visibility"]).where("uri", "in", uris).orderBy("uri").execute();
    expect(new Map(visibility.map((row) => [row.uri, row.visibility]))).toEqual(
      new Map([
        [uris[0], "public"],
        [uris[1], "private"],
      ]),
    );
  });
});

describe("catching up after being away, from peers that gave up delivering", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let carol: TestInstance;
  let bobUser: ApiUser;

  beforeAll(async () => {
    group = await startInstances([
      { username: "alice", options: { deliveryTiming: GIVES_UP } },
      { username: "bob", options: { catchUp: EAGER_CATCH_UP } },
      { username: "carol", options: { deliveryTiming: GIVES_UP } },
    ]);
    [alice, bob, carol] = group.instances as [TestInstance, TestInstance, TestInstance];
    await follow(bob, alice);
    await follow(alice, bob);
    // bob does not follow carol: her posts reach him only when they concern him.
    await follow(carol, bob);
    bobUser = await apiUser(bob.core, bob.url, bob.owner);
  });
  afterAll(() => group?.close());

  /** Stops bob, does what happens while he is away, makes sure no peer will retry, and starts him again. */
  async function whileBobIsAway(happenings: () => Promise<void>): Promise<void> {
    await group.stop(bob);
    await happenings();
    for (const peer of [alice, carol]) await waitFor(() => hasGivenUp(peer), { what: `${peer.handle} to give up delivering to bob`, timeoutMs: 20_000 });
    await group.start(bob);
    await bob.running.catchUp.whenIdle();
  }

  it("reads alice's outbox for the posts and boosts bob missed, stores each once and notifies once", async () => {
    const seen = await post(alice, "Before bob went away");
    await arrivedOn(bob, statusUri(alice, seen));
    const bobsPost = await post(bob, "A post of bob's that alice will boost");
    const bobsPostOnAlice = await arrivedOn(alice, statusUri(bob, bobsPost));

    const missed: StatusRow[] = [];
    await whileBobIsAway(async () => {
      missed.push(await post(alice, "First while bob was away"));
      missed.push(await post(alice, `Second, for @bob@${bob.host}`));
      missed.push(await post(alice, "Third, unlisted", { visibility: "unlisted" }));
      await reblogStatus(alice.core, alice.owner.id, bobsPostOnAlice.id);
    });

    const uris = [seen, ...missed].map((status) => statusUri(alice, status));
    expect(await homeCounts(bobUser, uris)).toEqual([1, 1, 1, 1]);
    expect(await notificationsAbout(bobUser, "mention", uris[2] ?? "")).toHaveLength(1);
    expect(await notificationsAbout(bobUser, "reblog", statusUri(bob, bobsPost))).toHaveLength(1);
    expect(bob.running.catchUp.lastSummary()).toMatchObject({ reason: "start", postsStored: 4, failures: 0 });
  });

  it("reads the replies collections of replies to bob's recent posts, for the answers sent while he was away", async () => {
    const question = await post(bob, "Who has seeds to swap?");
    const questionOnCarol = await arrivedOn(carol, statusUri(bob, question));
    const firstAnswer = await post(carol, `@bob@${bob.host} I have beans`, { inReplyToId: questionOnCarol.id });
    await arrivedOn(bob, statusUri(carol, firstAnswer));

    let laterAnswer: StatusRow | undefined;
    await whileBobIsAway(async () => {
      laterAnswer = await post(carol, `@bob@${bob.host} and squash too`, { inReplyToId: firstAnswer.id });
    });

    const laterUri = statusUri(carol, laterAnswer as StatusRow);
    const context = await bobUser.client.v1.statuses.$select(question.id).context.fetch();
    expect(context.descendants.map((status) => status.uri)).toEqual([statusUri(carol, firstAnswer), laterUri]);
    expect(await notificationsAbout(bobUser, "mention", laterUri)).toHaveLength(1);
    expect(bob.running.catchUp.lastSummary()?.repliesStored).toBe(1);
  });

  it("pages back through the outbox when more was missed than one page holds", async () => {
    const missed: StatusRow[] = [];
    await whileBobIsAway(async () => {
      for (let n = 1; n <= 25; n++) missed.push(await post(alice, `Busy day, post ${n}`));
    });
    const home: mastodon.v1.Status[] = await bobUser.client.v1.timelines.home.list({ limit: 40 });
    const uris = missed.map((status) => statusUri(alice, status));
    expect(uris.map((uri) => home.filter((status) => status.uri === uri).length)).toEqual(uris.map(() => 1));
    expect(bob.running.catchUp.lastSummary()?.postsStored).toBe(25);
  });

  it("a second catch-up over the same time stores and notifies nothing again", async () => {
    const before = await bobUser.client.v1.notifications.list({ limit: 80 });
    const statusCount = async () => Number((await sql<{ count: number }>`SELECT count(*) AS count FROM statuses`.execute(bob.core.db)).rows[0]?.count);
    const statusesBefore = await statusCount();

    await whileBobIsAway(async () => undefined);

    expect(bob.running.catchUp.lastSummary()).toMatchObject({ postsStored: 0, repliesStored: 0 });
    expect(await statusCount()).toBe(statusesBefore);
    expect((await bobUser.client.v1.notifications.list({ limit: 80 })).map((n) => n.id)).toEqual(before.map((n) => n.id));
  });
});
