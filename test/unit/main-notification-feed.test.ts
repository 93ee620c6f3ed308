import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { createDesktopNotifications } from "../../main/desktop-notifications.ts";
import { createHearthClient, type NotificationView } from "../../main/hearth-client.ts";
import type { NativeNotification } from "../../main/notification-decisions.ts";
import { createNotificationFeed, type NotificationFeed } from "../../main/notification-feed.ts";
import { preferencesFile } from "../../main/shell-preferences.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const TOKEN = "owner-token";

/**
 * A stand-in for a Mastodon server's notifications API, markers API and streaming API (stream
 * user:notification), as the Mastodon documentation describes them; the real ones are other engineers' work
 * in progress. The test adds notifications and decides whether the stream is up.
 */
class FakeMastodon {
  notifications: NotificationView[] = [];
  lastReadId: string | null = null;
  isStreamUp = true;
  notificationRequests: string[] = [];
  readonly sockets = new Set<ServerSocket>();
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private nextId = 100_000_000_000_000_000n;

  constructor() {
    this.http = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end('{"error":"The access token is invalid"}');
      response.setHeader("Content-Type", "application/json");
      if (url.pathname === "/api/v1/notifications") {
        this.notificationRequests.push(url.search);
        const sinceId = url.searchParams.get("since_id");
        const limit = Number(url.searchParams.get("limit") ?? 40);
        const newer = this.notifications.filter((n) => sinceId === null || BigInt(n.id) > BigInt(sinceId));
        return void response.end(JSON.stringify(newer.reverse().slice(0, limit)));
      }
      if (url.pathname === "/api/v1/markers" && request.method === "GET") {
        return void response.end(JSON.stringify(this.lastReadId ? { notifications: { last_read_id: this.lastReadId, version: 1, updated_at: "" } } : {}));
      }
      if (url.pathname === "/api/v1/markers" && request.method === "POST") {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          this.lastReadId = (JSON.parse(body) as { notifications: { last_read_id: string } }).notifications.last_read_id;
          response.end("{}");
        });
        return;
      }
      response.writeHead(404).end('{"error":"Record not found"}');
    });
    this.http.on("upgrade", (request, socket, head) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const isOurs = url.pathname === "/api/v1/streaming" && url.searchParams.get("stream") === "user:notification" && url.searchParams.get("access_token") === TOKEN;
      if (!this.isStreamUp || !isOurs) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on("close", () => this.sockets.delete(ws));
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** A notification is created: stored, and pushed to open streams as Mastodon does (payload is a JSON string). */
  add(type: string, options: { push?: boolean } = {}): NotificationView {
    const notification: NotificationView = {
      id: String(this.nextId++),
      type,
      created_at: new Date().toISOString(),
      account: { id: "9", username: "bob", acct: "bob@remote.example", display_name: "Bob" },
      status: type === "mention" ? { id: "55", visibility: "direct", spoiler_text: "", content: "<p>hi</p>", account: { id: "9", username: "bob", acct: "bob@remote.example", display_name: "Bob" } } : null,
    };
    this.notifications.push(notification);
    if (options.push ?? true) {
      for (const socket of this.sockets) socket.send(JSON.stringify({ stream: ["user:notification"], event: "notification", payload: JSON.stringify(notification) }));
    }
    return notification;
  }

  dropStreams(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    await new Promise((resolve) => this.http.close(resolve));
  }
}

let server: FakeMastodon;
let baseUrl: string;
let dir: { path: string; remove(): void };
const running: Array<{ stop(): void }> = [];

beforeEach(async () => {
  server = new FakeMastodon();
  baseUrl = await server.listen();
  dir = makeTempDir("notification-feed");
});
afterEach(async () => {
  for (const feed of running.splice(0)) feed.stop();
  await server.close();
  dir.remove();
});

function startFeed(lastSeenId: string | null) {
  const received: Array<{ ids: string[]; how: string }> = [];
  const seen: string[] = [];
  const feed: NotificationFeed = createNotificationFeed({
    client: createHearthClient({ baseUrl, token: TOKEN }),
    openSocket: (url) => new WebSocket(url),
    lastSeenId,
    onNotifications: (batch, how) => received.push({ ids: batch.map((n) => n.id), how }),
    onLastSeen: (id) => seen.push(id),
    initialRetryMs: 50,
    maxRetryMs: 200,
  });
  running.push(feed);
  feed.start();
  return { feed, received, seen, ids: () => received.flatMap((batch) => batch.ids) };
}

describe("the notification feed", () => {
  it("on the very first start takes what is there as old news, then hands on live notifications from the stream", async () => {
    const old = server.add("follow");
    const { received, seen } = startFeed(null);
    await waitFor(() => seen.includes(old.id) && server.sockets.size === 1, { what: "the baseline and the stream" });
    expect(received).toEqual([]);
    const live = server.add("mention");
    await waitFor(() => received.length === 1, { what: "the live notification" });
    expect(received).toEqual([{ ids: [live.id], how: "live" }]);
    expect(seen.at(-1)).toBe(live.id);
  });

  it("after a restart hands on, oldest first, what arrived while it was not listening", async () => {
    const before = server.add("follow");
    const missed = [server.add("mention", { push: false }), server.add("follow", { push: false })];
    const { received } = startFeed(before.id);
    await waitFor(() => received.length === 1, { what: "the catch-up" });
    expect(received).toEqual([{ ids: missed.map((n) => n.id), how: "catch-up" }]);
  });

  it("when the stream drops, catches up on reconnection without handing anything on twice", async () => {
    const { ids } = startFeed(null);
    await waitFor(() => server.sockets.size === 1, { what: "the stream" });
    const first = server.add("mention");
    await waitFor(() => ids().length === 1, { what: "the first notification" });
    server.dropStreams();
    const duringOutage = server.add("follow", { push: false });
    await waitFor(() => ids().length === 2, { timeoutMs: 5_000, what: "the catch-up after reconnecting" });
    await waitFor(() => server.sockets.size === 1, { what: "the stream again" });
    const after = server.add("mention");
    await waitFor(() => ids().length === 3, { what: "a live notification after reconnecting" });
    expect(ids()).toEqual([first.id, duringOutage.id, after.id]);
  });

  it("without a streaming API, still delivers: each retry asks the notifications API", async () => {
    server.isStreamUp = false;
    const base = server.add("follow");
    const { ids } = startFeed(base.id);
    const later = server.add("mention");
    await waitFor(() => ids().includes(later.id), { timeoutMs: 5_000, what: "a notification through polling" });
    expect(server.notificationRequests.length).toBeGreaterThanOrEqual(1);
    expect(ids()).toEqual([later.id]);
  });
});

describe("the notification feed's races", () => {
  it("hands on a notification that came over the stream while the first start's question was answered, even if the answer counted it as old", async () => {
    const live: NotificationView = { id: "500", type: "follow", created_at: "", account: { id: "9", username: "bob", acct: "bob", display_name: "" } };
    let answer: (list: NotificationView[]) => void = () => {};
    const client = {
      ...createHearthClient({ baseUrl: "http://127.0.0.1:1", token: TOKEN }),
      notifications: () => new Promise<NotificationView[]>((resolve) => (answer = resolve)),
    };
    const listeners: Record<string, (event: { data: unknown }) => void> = {};
    const received: string[] = [];
    const feed = createNotificationFeed({
      client,
      openSocket: () => ({
        addEventListener: (type: string, listener: (event: { data: unknown }) => void) => void (listeners[type] = listener),
        close: () => {},
      }),
      lastSeenId: null,
      onNotifications: (batch) => received.push(...batch.map((n) => n.id)),
      onLastSeen: () => {},
    });
    running.push(feed);
    feed.start();
    listeners.open?.({ data: undefined });
    listeners.message?.({ data: JSON.stringify({ event: "notification", payload: JSON.stringify(live) }) });
    answer([live]);
    await waitFor(() => received.length === 1, { what: "the held notification" });
    expect(received).toEqual(["500"]);
  });
});

describe("desktop notifications and the badge", () => {
  it("shows a native notification for a live mention, counts it on the badge, and clears it when seen", async () => {
    const read = server.add("favourite");
    server.lastReadId = read.id;
    const unreadBefore = server.add("follow", { push: false });
    const preferences = preferencesFile(`${dir.path}/prefs.json`);
    preferences.update({ lastNotifiedId: unreadBefore.id });
    const shown: NativeNotification[] = [];
    const opened: string[] = [];
    const badges: number[] = [];
    let clicks: Array<() => void> = [];
    const notifications = createDesktopNotifications({
      client: createHearthClient({ baseUrl, token: TOKEN }),
      preferences,
      openSocket: (url) => new WebSocket(url),
      isWindowFocused: () => false,
      show: (notification, onClick) => {
        shown.push(notification);
        clicks = [...clicks, onClick];
      },
      setBadgeCount: (count) => badges.push(count),
      openPath: (path) => opened.push(path),
    });
    running.push(notifications);
    await waitFor(() => badges.at(-1) === 1 && server.sockets.size === 1, { what: "the unread count and the stream" });
    const dm = server.add("mention");
    await waitFor(() => shown.length === 1, { what: "the native notification" });
    expect(shown[0]).toMatchObject({ title: "Direct message from Bob", body: "hi", path: "/@bob@remote.example/55" });
    expect(badges.at(-1)).toBe(2);
    clicks[0]?.();
    expect(opened).toEqual(["/@bob@remote.example/55"]);
    expect(preferences.read().lastNotifiedId).toBe(dm.id);

    notifications.seen();
    expect(badges.at(-1)).toBe(0);
    await waitFor(() => server.lastReadId === dm.id, { what: "the marker to move" });
  });
});
