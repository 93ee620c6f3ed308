import { createRestAPIClient, type MastoHttpError, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotification } from "../../server/core/notifications/notifications.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import type { NotificationType } from "../../server/db/schema.ts";
import { insertTestAccount } from "../helpers/core-database.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { startPushService, type PushServiceStandIn, type ReceivedPush } from "../helpers/push-service.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { createWebPushSubscriber, verifyVapid, type WebPushSubscriber } from "../helpers/web-push-subscriber.ts";
import type { AccountRow } from "../../server/core/rows.ts";

describe("Web Push: a phone app subscribes and is pushed encrypted notifications", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let pushService: PushServiceStandIn;
  let bob: AccountRow;

  /** Someone on another server; their notifications reach alice as they would after federation. */
  async function remoteAccount(username: string, displayName: string): Promise<AccountRow> {
    return insertTestAccount(alice.core, username, "remote.example", {
      display_name: displayName,
      note: "<p>I like &lt;cats&gt; &amp; dogs</p>",
      avatar_remote_url: `https://remote.example/avatars/${username}.png`,
      url: `https://remote.example/@${username}`,
    });
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    alice = group.instances[0]!;
    pushService = await startPushService();
    bob = await remoteAccount("bob", "Bob");
  });
  afterAll(async () => {
    await group?.close();
    await pushService?.close();
  });

  async function tokenFor(scopes: string[]): Promise<string> {
    return (await issueCliToken(alice.core, alice.owner.id, scopes)).token;
  }

  function clientFor(accessToken: string): mastodon.rest.Client {
    return createRestAPIClient({ url: alice.url, accessToken });
  }

  async function subscribe(accessToken: string, subscriber: WebPushSubscriber, extra: Record<string, unknown>): Promise<Response> {
    const { subscription, ...rest } = extra as { subscription?: Record<string, unknown> };
    return fetch(`${alice.url}/api/v1/push/subscription`, {
      method: "POST",
      headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        subscription: { endpoint: `${pushService.url}/push/${accessToken.slice(0, 8)}`, keys: { p256dh: subscriber.p256dh, auth: subscriber.auth }, ...subscription },
        ...rest,
      }),
    });
  }

  /** A new notification for alice from Bob; an earlier one of the same kind goes first (they are unique). */
  async function notify(type: NotificationType, statusId: string | null = null, from: AccountRow = bob): Promise<string> {
    await alice.core.db.deleteFrom("notifications").where("type", "=", type).where("from_account_id", "=", from.id).execute();
    const row = await createNotification(alice.core, { accountId: alice.owner.id, type, fromAccountId: from.id, statusId });
    if (!row) throw new Error("The notification was not created.");
    return row.id;
  }

  async function nextPush(count: number): Promise<ReceivedPush> {
    return waitFor(() => pushService.received.length >= count && pushService.received[count - 1], { what: `push number ${count}` });
  }

  it("gives apps the instance's VAPID public key, the same one every time", async () => {
    const rest = createRestAPIClient({ url: alice.url });
    const instance = await rest.v2.instance.fetch();
    const key = instance.configuration.vapid.publicKey;
    // An uncompressed P-256 point, URL-safe base64.
    expect(Buffer.from(key, "base64url")).toHaveLength(65);
    expect((await rest.v2.instance.fetch()).configuration.vapid.publicKey).toBe(key);
    const app = await rest.v1.apps.create({ clientName: "Push App", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read push" });
    expect(app.vapidKey).toBe(key);
  });

  it("creates, reads, changes and removes a subscription through masto, one per token", async () => {
    const client = clientFor(await tokenFor(["read", "push"]));
    const subscriber = createWebPushSubscriber();
    const serverKey = (await createRestAPIClient({ url: alice.url }).v2.instance.fetch()).configuration.vapid.publicKey;

    const created = await client.v1.push.subscription.create({
      subscription: { endpoint: `${pushService.url}/first`, keys: { p256dh: subscriber.p256dh, auth: subscriber.auth } },
      data: { alerts: { mention: true, follow: true } },
      policy: "followed",
    });
    expect(created).toMatchObject({ endpoint: `${pushService.url}/first`, serverKey, policy: "followed" });
    expect(created.alerts).toMatchObject({ mention: true, follow: true, favourite: false, reblog: false, poll: false, status: false, update: false });
    expect(await client.v1.push.subscription.fetch()).toEqual(created);

    const changed = await client.v1.push.subscription.update({ data: { alerts: { favourite: true } } });
    expect(changed.alerts).toMatchObject({ favourite: true, mention: false, follow: false });
    expect(changed.endpoint).toBe(`${pushService.url}/first`);

    // A second subscription for the same token replaces the first.
    const replaced = await client.v1.push.subscription.create({
      subscription: { endpoint: `${pushService.url}/second`, keys: { p256dh: subscriber.p256dh, auth: subscriber.auth } },
      policy: "all",
    });
    expect(replaced.id).not.toBe(created.id);
    expect((await client.v1.push.subscription.fetch()).endpoint).toBe(`${pushService.url}/second`);

    await client.v1.push.subscription.remove();
    const gone = await client.v1.push.subscription.fetch().catch((error: unknown) => error as MastoHttpError);
    expect((gone as MastoHttpError).statusCode).toBe(404);
    // Removing what is not there is fine, as on Mastodon.
    await client.v1.push.subscription.remove();
  });

  it("refuses what cannot be pushed to, and tokens without the push scope", async () => {
    const token = await tokenFor(["push"]);
    const subscriber = createWebPushSubscriber();
    const badEndpoint = await subscribe(token, subscriber, { subscription: { endpoint: "not a url" } });
    expect(badEndpoint.status).toBe(422);
    expect(await badEndpoint.json()).toEqual({ error: "Validation failed: Endpoint is not a valid URL" });
    const badKey = await subscribe(token, subscriber, { subscription: { keys: { p256dh: Buffer.alloc(65, 7).toString("base64url"), auth: subscriber.auth } } });
    expect(badKey.status).toBe(422);
    expect(await badKey.json()).toEqual({ error: "Validation failed: Key p256dh is not a P-256 public key" });
    const badPolicy = await subscribe(token, subscriber, { data: { policy: "friends" } });
    expect(badPolicy.status).toBe(422);

    const readOnly = await subscribe(await tokenFor(["read"]), subscriber, {});
    expect(readOnly.status).toBe(403);
    const anonymous = await fetch(`${alice.url}/api/v1/push/subscription`);
    expect(anonymous.status).toBe(401);
  });

  it("pushes a notification encrypted with aes128gcm (RFC 8291) and signed with VAPID, as Mastodon's payload", async () => {
    const token = await tokenFor(["read", "push"]);
    const subscriber = createWebPushSubscriber();
    const created = await subscribe(token, subscriber, { subscription: { standard: true }, data: { alerts: { follow: true, favourite: true } } });
    expect(created.status).toBe(200);
    const { server_key: serverKey, standard } = (await created.json()) as { server_key: string; standard: boolean };
    expect(standard).toBe(true);

    const before = pushService.received.length;
    const notificationId = await notify("follow");
    const push = await nextPush(before + 1);

    expect(push.headers["content-encoding"]).toBe("aes128gcm");
    expect(push.headers.ttl).toBe(String(48 * 60 * 60));
    expect(push.headers.urgency).toBe("normal");
    const claims = verifyVapid(push.headers, serverKey);
    expect(claims.aud).toBe(pushService.url);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(JSON.parse(subscriber.decrypt(push.headers, push.body))).toEqual({
      access_token: token,
      preferred_locale: "en",
      notification_id: notificationId,
      notification_type: "follow",
      // Remote avatars are served through our cache, as Mastodon serves its cached copy.
      icon: `${alice.url}/media_proxy/accounts/${bob.id}/avatar`,
      title: "Bob is now following you",
      body: "I like <cats> & dogs",
    });

    // A favourite carries the status's text as the body.
    const now = new Date().toISOString();
    const status = await alice.core.db
      .insertInto("statuses")
      .values({ id: alice.core.ids.next(), account_id: alice.owner.id, local: 1, visibility: "public", content: "<p>Soup&#39;s on</p>", created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify("favourite", status.id);
    const favourite = JSON.parse(subscriber.decrypt((await nextPush(before + 2)).headers, pushService.received[before + 1]!.body)) as Record<string, string>;
    expect(favourite).toMatchObject({ notification_type: "favourite", title: "Bob favorited your post", body: "Soup's on" });
    await clientFor(token).v1.push.subscription.remove();
  });

  it("pushes with the older aesgcm encoding to apps that did not ask for the standard one", async () => {
    const token = await tokenFor(["push"]);
    const subscriber = createWebPushSubscriber();
    expect((await subscribe(token, subscriber, { data: { alerts: { mention: true } } })).status).toBe(200);
    const before = pushService.received.length;
    const mentioning = await alice.core.db
      .insertInto("statuses")
      .values({
        id: alice.core.ids.next(),
        account_id: bob.id,
        local: 0,
        uri: "https://remote.example/statuses/1",
        visibility: "public",
        spoiler_text: "Spoilers for the finale",
        content: "<p>It was the butler</p>",
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify("mention", mentioning.id);
    const push = await nextPush(before + 1);
    expect(push.headers["content-encoding"]).toBe("aesgcm");
    expect(push.headers.encryption).toMatch(/^salt=/);
    const payload = JSON.parse(subscriber.decrypt(push.headers, push.body)) as Record<string, string>;
    // The content warning, not the hidden text, is what the lock screen shows.
    expect(payload).toMatchObject({ notification_type: "mention", title: "You were mentioned by Bob", body: "Spoilers for the finale", access_token: token });
    await clientFor(token).v1.push.subscription.remove();
  });

  it("pushes only the alerts asked for, and only from whom the policy allows", async () => {
    const token = await tokenFor(["push"]);
    const client = clientFor(token);
    const subscriber = createWebPushSubscriber();
    expect((await subscribe(token, subscriber, { data: { alerts: { follow: true }, policy: "all" } })).status).toBe(200);
    const endpointPath = `/push/${token.slice(0, 8)}`;
    const mine = () => pushService.received.filter((push) => push.path === endpointPath);

    // Not asked for: a reblog is not pushed; the follow after it is.
    const reblogged = await alice.core.db
      .insertInto("statuses")
      .values({ id: alice.core.ids.next(), account_id: alice.owner.id, local: 1, visibility: "public", created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify("reblog", reblogged.id);
    await notify("follow");
    await waitFor(() => mine().length >= 1, { what: "the follow push" });
    expect(mine().map((push) => (JSON.parse(subscriber.decrypt(push.headers, push.body)) as { notification_type: string }).notification_type)).toEqual(["follow"]);

    // "followed": only from accounts alice follows. She follows Carol, not Bob: Bob's favourite is not pushed,
    // Carol's after it is.
    const carol = await remoteAccount("carol", "Carol");
    const now = new Date().toISOString();
    await alice.core.db
      .insertInto("follows")
      .values({ id: alice.core.ids.next(), account_id: alice.owner.id, target_account_id: carol.id, state: "accepted", uri: `${alice.url}/follows/1`, created_at: now, updated_at: now })
      .execute();
    await client.v1.push.subscription.update({ data: { alerts: { follow: true, favourite: true } }, policy: "followed" } as Parameters<typeof client.v1.push.subscription.update>[0]);
    expect((await client.v1.push.subscription.fetch()).policy).toBe("followed");
    await notify("favourite", reblogged.id, bob);
    await notify("favourite", reblogged.id, carol);
    await waitFor(() => mine().length >= 2, { what: "Carol's favourite push" });
    const payloads = mine().map((push) => JSON.parse(subscriber.decrypt(push.headers, push.body)) as { notification_type: string; title: string });
    expect(payloads.map((payload) => payload.title)).toEqual(["Bob is now following you", "Carol favorited your post"]);
    await client.v1.push.subscription.remove();
  });

  it("forgets a subscription the push service says is gone (410)", async () => {
    const token = await tokenFor(["push"]);
    const client = clientFor(token);
    const subscriber = createWebPushSubscriber();
    expect((await subscribe(token, subscriber, { data: { alerts: { poll: true } } })).status).toBe(200);
    pushService.answerWith(410);
    try {
      const before = pushService.received.length;
      await notify("poll");
      await nextPush(before + 1);
      await waitFor(async () => (await client.v1.push.subscription.fetch().catch((error: unknown) => error as MastoHttpError)) instanceof Error, {
        what: "the subscription to be removed",
      });
    } finally {
      pushService.answerWith(201);
    }
  });
});
