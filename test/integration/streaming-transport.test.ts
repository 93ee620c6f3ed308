import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { createStreamingAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../server/api/auth.ts";
import type { HonoApiEnv as ApiEnv } from "../../server/api/hono-env.ts";
import type { StreamPayloads } from "../../server/api/streaming/hub.ts";
import { createStreamingService, type StreamingService } from "../../server/api/streaming/service.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import type { CoreEvent } from "../../server/core/events.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { issueCliToken, revokeAccessToken } from "../../server/core/auth/tokens.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { openRawStream, type RawStreamClient, type RawStreamMessage } from "../helpers/stream-reader.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import type { AccountRow } from "../../server/core/rows.ts";

/**
 * The streaming API's transport, with entities rendered by a stand-in: the handshake (tokens, subprotocol),
 * subscribe and unsubscribe, which event reaches which stream and viewer, keep-alive and token revocation,
 * server-sent events. test/integration/streaming.test.ts drives it through a whole instance.
 */

/** Entities as a plain stand-in renders them: enough to see which status reached which viewer. */
const standInPayloads: StreamPayloads = {
  async status(statusId, viewer) {
    if (statusId.startsWith("hidden")) return undefined;
    return { json: JSON.stringify({ id: statusId, seenBy: viewer.username }), hasMedia: statusId.includes("media"), tags: [] };
  },
  async notification(notificationId, viewer) {
    return JSON.stringify({ id: notificationId, type: "mention", for: viewer.username });
  },
  async conversation(id) {
    return JSON.stringify({ id, unread: true });
  },
};

function statusCreated(statusId: string, changes: Partial<Extract<CoreEvent, { type: "status.created" }>> = {}): CoreEvent {
  return { type: "status.created", statusId, homeAccountIds: [], listIds: [], public: false, local: true, tags: [], directAccountIds: [], ...changes };
}

describe("Streaming transport: WebSocket and server-sent events", () => {
  const dataDir = makeTempDir("streaming-transport");
  let database: OpenedDatabase;
  let core: CoreContext;
  let streaming: StreamingService;
  let server: ReturnType<typeof createAdaptorServer>;
  let base: string;
  let alice: AccountRow;
  let token: string;

  beforeAll(async () => {
    database = await openDataDirectoryDatabase(dataDir.path);
    core = createCoreContext(database.db, systemClock);
    ({ owner: alice } = await setupInstance(core, { username: "alice", password: "correct horse battery staple" }));
    token = (await issueCliToken(core, alice.id, ["read"])).token;
    // The statuses the events name exist (the hub checks blocks and mutes against their authors); only their
    // rendering is stood in for.
    const now = new Date().toISOString();
    for (const id of ["101", "201", "202-media", "203", "204", "205", "301", "401", "hidden-1"]) {
      await core.db.insertInto("statuses").values({ id, account_id: alice.id, local: 1, visibility: "public", created_at: now, updated_at: now }).execute();
    }
    streaming = createStreamingService({ core, payloads: standInPayloads, pingIntervalMs: 200, heartbeatMs: 200 });
    const app = new Hono<ApiEnv>();
    app.use("/api/*", authenticate(core));
    app.route("/api/v1/streaming", streaming.routes);
    server = createAdaptorServer({ fetch: app.fetch });
    server.on("upgrade", (request, socket, head) => streaming.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await streaming?.close();
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
    dataDir.remove();
  });

  /**
   * Subscriptions are not acknowledged (as on Mastodon), so a test emits harmless probes until one arrives
   * on the stream: from then on the subscription is in place.
   */
  async function untilReceiving(client: RawStreamClient, probe: () => CoreEvent, isProbe: (message: RawStreamMessage) => boolean): Promise<void> {
    const timer = setInterval(() => core.events.emit(probe()), 20);
    try {
      await client.next(isProbe);
    } finally {
      clearInterval(timer);
    }
  }

  const filtersProbe = (): CoreEvent => ({ type: "filters.changed", accountId: alice.id });
  const isFiltersProbe = (message: RawStreamMessage) => message.event === "filters_changed";

  it("answers the health check", async () => {
    const response = await fetch(`http://${base}/api/v1/streaming/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("OK");
  });

  it("echoes the token sent as Sec-WebSocket-Protocol, as browsers require, and streams ?stream= at once", async () => {
    const client = await openRawStream(`ws://${base}/api/v1/streaming?stream=user`, token);
    expect(client.ws.protocol).toBe(token);
    core.events.emit(statusCreated("101", { homeAccountIds: [alice.id] }));
    const message = await client.next((m) => m.event === "update");
    expect(message).toEqual({ stream: ["user"], event: "update", payload: JSON.stringify({ id: "101", seenBy: "alice" }) });
    client.close();
  });

  it("takes the token from the query or the Authorization header too", async () => {
    const byQuery = await openRawStream(`ws://${base}/api/v1/streaming?access_token=${token}&stream=user`);
    const byHeader = await openRawStream(`ws://${base}/api/v1/streaming?stream=user`, undefined, { Authorization: `Bearer ${token}` });
    core.events.emit(filtersProbe());
    expect(await byQuery.next(isFiltersProbe)).toEqual({ stream: ["user"], event: "filters_changed" });
    expect(await byHeader.next(isFiltersProbe)).toEqual({ stream: ["user"], event: "filters_changed" });
    byQuery.close();
    byHeader.close();
  });

  it("refuses the handshake with 401 for a missing, wrong or app-only token, and 404 elsewhere", async () => {
    await expect(openRawStream(`ws://${base}/api/v1/streaming`)).rejects.toThrow("HTTP 401");
    await expect(openRawStream(`ws://${base}/api/v1/streaming`, "not-a-token")).rejects.toThrow("HTTP 401");
    await expect(openRawStream(`ws://${base}/api/v1/streaming?access_token=nope`)).rejects.toThrow("HTTP 401");
    await expect(openRawStream(`ws://${base}/elsewhere`, token)).rejects.toThrow("HTTP 404");
    // What the refusal says, as a client that reads the HTTP answer sees it.
    const refusal = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const upgrade = request(`http://${base}/api/v1/streaming`, {
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
      });
      upgrade.on("response", (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode, body }));
      });
      upgrade.on("error", reject);
      upgrade.end();
    });
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toEqual({ error: "Missing access token" });
  });

  it("subscribes and unsubscribes by message, and each stream gets what belongs to it", async () => {
    const client = await openRawStream(`ws://${base}/api/v1/streaming`, token);
    client.send({ type: "subscribe", stream: "user" });
    client.send({ type: "subscribe", stream: "public:local" });
    client.send({ type: "subscribe", stream: "hashtag", tag: "Cats" });
    client.send({ type: "subscribe", stream: "public:remote:media" });
    await untilReceiving(client, filtersProbe, isFiltersProbe);
    await untilReceiving(client, () => ({ type: "status.deleted", statusId: "probe", homeAccountIds: [], public: true, local: true }), (m) => m.event === "delete");

    const from = client.messages.length;
    core.events.emit(statusCreated("201", { public: true, local: true, tags: ["cats"] }));
    core.events.emit(statusCreated("202-media", { public: true, local: false, tags: ["dogs"] }));
    core.events.emit(statusCreated("203", { public: true, local: false }));
    core.events.emit(statusCreated("204", { public: false, local: true, tags: ["cats"] }));
    core.events.emit({ type: "status.deleted", statusId: "201", homeAccountIds: [alice.id], public: true, local: true });
    core.events.emit(filtersProbe());
    await client.next(isFiltersProbe, { from });
    const got = client.messages.slice(from).filter((message) => !isFiltersProbe(message));
    expect(got).toEqual([
      { stream: ["public:local"], event: "update", payload: JSON.stringify({ id: "201", seenBy: "alice" }) },
      { stream: ["hashtag", "Cats"], event: "update", payload: JSON.stringify({ id: "201", seenBy: "alice" }) },
      { stream: ["public:remote:media"], event: "update", payload: JSON.stringify({ id: "202-media", seenBy: "alice" }) },
      { stream: ["user"], event: "delete", payload: "201" },
      { stream: ["public:local"], event: "delete", payload: "201" },
      { stream: ["hashtag", "Cats"], event: "delete", payload: "201" },
    ]);

    client.send({ type: "unsubscribe", stream: "public:local" });
    client.send({ type: "unsubscribe", stream: "hashtag", tag: "cats" });
    // The unsubscribes are read before this subscribe, whose probe proves all three were handled.
    client.send({ type: "subscribe", stream: "direct" });
    await untilReceiving(client, () => ({ type: "conversation.updated", accountConversationId: "probe", accountId: alice.id }), (m) => m.event === "conversation");
    const after = client.messages.length;
    core.events.emit(statusCreated("205", { public: true, local: true, tags: ["cats"], homeAccountIds: [alice.id] }));
    core.events.emit(filtersProbe());
    await client.next(isFiltersProbe, { from: after });
    expect(client.messages.slice(after).filter((message) => message.event === "update")).toEqual([
      { stream: ["user"], event: "update", payload: JSON.stringify({ id: "205", seenBy: "alice" }) },
    ]);
    client.close();
  });

  it("streams a list only to its owner, with the list's id in the stream", async () => {
    const now = new Date().toISOString();
    await core.db.insertInto("lists").values({ id: "list-1", account_id: alice.id, title: "Friends", created_at: now }).execute();
    const client = await openRawStream(`ws://${base}/api/v1/streaming`, token);
    client.send({ type: "subscribe", stream: "list", list: "list-1" });
    await untilReceiving(client, () => ({ type: "status.deleted", statusId: "probe", homeAccountIds: [alice.id], public: false, local: true }), (m) => m.event === "delete");
    const from = client.messages.length;
    core.events.emit(statusCreated("206", { listIds: ["list-2"] }));
    core.events.emit(statusCreated("207", { listIds: ["list-1"] }));
    const message = await client.next((m) => m.event === "update", { from });
    expect(message).toEqual({ stream: ["list", "list-1"], event: "update", payload: JSON.stringify({ id: "207", seenBy: "alice" }) });
    client.close();
  });

  it("never streams a status its viewer may not see, nor another account's notifications", async () => {
    const client = await openRawStream(`ws://${base}/api/v1/streaming?stream=user`, token);
    client.send({ type: "subscribe", stream: "public" });
    await untilReceiving(client, () => ({ type: "status.deleted", statusId: "probe", homeAccountIds: [], public: true, local: true }), (m) => m.event === "delete");
    const from = client.messages.length;
    core.events.emit(statusCreated("hidden-1", { public: true, homeAccountIds: [alice.id] }));
    core.events.emit({ type: "notification.created", notificationId: "n-1", accountId: "someone-else" });
    core.events.emit({ type: "notification.created", notificationId: "n-2", accountId: alice.id });
    core.events.emit(filtersProbe());
    await client.next(isFiltersProbe, { from });
    expect(client.messages.slice(from).filter((message) => !isFiltersProbe(message))).toEqual([
      { stream: ["user"], event: "notification", payload: JSON.stringify({ id: "n-2", type: "mention", for: "alice" }) },
    ]);
    client.close();
  });

  it("answers refused subscriptions with Mastodon's error messages", async () => {
    const notificationsOnly = (await issueCliToken(core, alice.id, ["read:notifications"])).token;
    const client = await openRawStream(`ws://${base}/api/v1/streaming`, notificationsOnly);
    client.send({ type: "subscribe", stream: "user" });
    expect(await client.next((m) => m.error !== undefined)).toEqual({ error: "Access token does not have the required scopes", status: 401 });
    client.send({ type: "subscribe", stream: "list", list: "123" });
    expect(await client.next((m) => m.error !== undefined, { from: 1 })).toEqual({ error: "Access token does not have the required scopes", status: 401 });
    client.send({ type: "subscribe", stream: "nonsense" });
    expect(await client.next((m) => m.error !== undefined, { from: 2 })).toEqual({ error: "Unknown stream type", status: 400 });
    client.send({ type: "subscribe", stream: "hashtag" });
    expect(await client.next((m) => m.error !== undefined, { from: 3 })).toEqual({ error: "Missing tag name parameter", status: 400 });

    // The notifications stream is what such a token may have.
    client.send({ type: "subscribe", stream: "user:notification" });
    await untilReceiving(client, () => ({ type: "notification.created", notificationId: "n-3", accountId: alice.id }), (m) => m.event === "notification");
    client.close();

    const reader = await openRawStream(`ws://${base}/api/v1/streaming`, token);
    reader.send({ type: "subscribe", stream: "list", list: "999" });
    expect(await reader.next((m) => m.error !== undefined)).toEqual({ error: "Not authorized to stream this list", status: 401 });
    reader.close();
  });

  it("streams through masto's client: user, notifications, hashtag", async () => {
    const client = createStreamingAPIClient({ streamingApiUrl: `ws://${base}`, accessToken: token, retry: false });
    const user = client.user.subscribe()[Symbol.asyncIterator]();
    const hashtag = client.hashtag.subscribe({ tag: "Cats" })[Symbol.asyncIterator]();
    const nextUser = user.next();
    const nextTag = hashtag.next();
    // Probes on both streams until masto's subscriptions are in place.
    const probing = setInterval(() => {
      core.events.emit(filtersProbe());
      core.events.emit({ type: "status.deleted", statusId: "probe", homeAccountIds: [], public: true, local: true });
    }, 20);
    let userEvent: mastodon.streaming.Event;
    let tagEvent: mastodon.streaming.Event;
    try {
      userEvent = (await nextUser).value as mastodon.streaming.Event;
      tagEvent = (await nextTag).value as mastodon.streaming.Event;
    } finally {
      clearInterval(probing);
    }
    expect(userEvent.event).toBe("filters_changed");
    expect(tagEvent).toMatchObject({ event: "delete", stream: ["hashtag", "Cats"], payload: "probe" });

    core.events.emit(statusCreated("301", { homeAccountIds: [alice.id], public: true, tags: ["cats"] }));
    core.events.emit({ type: "notification.created", notificationId: "n-301", accountId: alice.id });
    const seen: mastodon.streaming.Event[] = [];
    while (seen.filter((event) => event.event === "update" || event.event === "notification").length < 2) {
      seen.push((await user.next()).value as mastodon.streaming.Event);
    }
    expect(seen.filter((event) => event.event !== "filters_changed")).toEqual([
      { stream: ["user"], event: "update", payload: { id: "301", seenBy: "alice" } },
      { stream: ["user"], event: "notification", payload: { id: "n-301", type: "mention", for: "alice" } },
    ]);
    let tagged: mastodon.streaming.Event;
    do tagged = (await hashtag.next()).value as mastodon.streaming.Event;
    while (tagged.event === "delete");
    expect(tagged).toEqual({ stream: ["hashtag", "Cats"], event: "update", payload: { id: "301", seenBy: "alice" } });
    client.close();
  });

  it("pings to keep the socket alive, and ends the stream when its token is revoked", async () => {
    const { token: doomed, row } = await issueCliToken(core, alice.id, ["read"]);
    const client = await openRawStream(`ws://${base}/api/v1/streaming?stream=user`, doomed);
    const pinged = new Promise<void>((resolve) => client.ws.once("ping", () => resolve()));
    await pinged;
    await revokeAccessToken(core, doomed, row.application_id);
    expect(await client.closed()).toBe(1008);
  });

  it("streams as server-sent events for clients that use EventSource", async () => {
    const abort = new AbortController();
    const response = await fetch(`http://${base}/api/v1/streaming/hashtag?tag=Cats&access_token=${token}`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const probing = setInterval(() => core.events.emit({ type: "status.deleted", statusId: "probe", homeAccountIds: [], public: true, local: true }), 20);
    try {
      while (!text.includes("event: delete")) text += (await reader.read()).value ?? "";
    } finally {
      clearInterval(probing);
    }
    core.events.emit(statusCreated("401", { public: true, tags: ["cats"] }));
    while (!text.includes('"401"')) text += (await reader.read()).value ?? "";
    expect(text.startsWith(":)\n")).toBe(true);
    expect(text).toContain(`event: update\ndata: ${JSON.stringify({ id: "401", seenBy: "alice" })}\n\n`);
    while (!text.includes(":thump")) text += (await reader.read()).value ?? "";
    abort.abort();

    const refused = await fetch(`http://${base}/api/v1/streaming/user`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "Missing access token" });
    const noTag = await fetch(`http://${base}/api/v1/streaming/hashtag`, { headers: { Authorization: `Bearer ${token}` } });
    expect(noTag.status).toBe(400);
  });
});
