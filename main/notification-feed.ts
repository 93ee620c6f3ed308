import type { HearthClient, NotificationView } from "./hearth-client.ts";
import { isNewerId } from "./notification-decisions.ts";

/** The part of a WebSocket the feed uses (the global WebSocket of Node and Electron has it). */
export interface SocketLike {
  addEventListener(type: "open" | "close", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface NotificationFeedOptions {
  client: HearthClient;
  openSocket(url: string): SocketLike;
  /** The newest notification already handed on (kept across restarts), or null on the very first start. */
  lastSeenId: string | null;
  /** Oldest first. "catch-up" batches arrived while the shell was not listening. */
  onNotifications(batch: NotificationView[], how: "live" | "catch-up"): void;
  /** Called when lastSeenId moves on, for the shell to keep it. */
  onLastSeen(id: string): void;
  initialRetryMs?: number;
  maxRetryMs?: number;
  schedule?: (run: () => void, delayMs: number) => () => void;
  onError?: (error: unknown) => void;
}

export interface NotificationFeed {
  start(): void;
  stop(): void;
}

const CATCH_UP_LIMIT = 40;

function notificationIn(data: unknown): NotificationView | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const message = JSON.parse(data) as { event?: unknown; payload?: unknown };
    if (message.event !== "notification" || typeof message.payload !== "string") return undefined;
    const notification = JSON.parse(message.payload) as NotificationView;
    return typeof notification.id === "string" && typeof notification.type === "string" ? notification : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The owner's notifications, live from the streaming API (stream user:notification), with the
 * notifications API filling what the stream cannot have seen: on every (re)connection it asks for what came
 * since the last one handed on. While the stream cannot be reached, each retry asks too, so notifications
 * still arrive, only later.
 */
export function createNotificationFeed(options: NotificationFeedOptions): NotificationFeed {
  const initialRetryMs = options.initialRetryMs ?? 2_000;
  const maxRetryMs = options.maxRetryMs ?? 60_000;
  const schedule =
    options.schedule ??
    ((run: () => void, delayMs: number) => {
      const timer = setTimeout(run, delayMs);
      return () => clearTimeout(timer);
    });
  let lastSeenId = options.lastSeenId;
  let retryMs = initialRetryMs;
  let socket: SocketLike | undefined;
  let cancelRetry: (() => void) | undefined;
  let isRunning = false;
  // Live notifications that arrive while a catch-up is asking; handed on after it, in order.
  let held: NotificationView[] | undefined;

  function handOn(batch: NotificationView[], how: "live" | "catch-up"): void {
    const fresh = batch.filter((notification) => isNewerId(notification.id, lastSeenId));
    if (fresh.length === 0) return;
    lastSeenId = fresh.reduce((newest, notification) => (isNewerId(notification.id, newest) ? notification.id : newest), lastSeenId ?? fresh[0]!.id);
    options.onLastSeen(lastSeenId);
    options.onNotifications(fresh, how);
  }

  async function catchUp(): Promise<void> {
    held ??= [];
    let isFirstStart = false;
    try {
      if (lastSeenId === null) {
        // The first start: what is already there is old news, and becomes the starting point.
        isFirstStart = true;
        const [newest] = await options.client.notifications({ limit: 1 });
        if (newest && lastSeenId === null) {
          lastSeenId = newest.id;
          options.onLastSeen(newest.id);
        }
      } else {
        const missed = await options.client.notifications({ sinceId: lastSeenId, limit: CATCH_UP_LIMIT });
        if (isRunning) handOn([...missed].reverse(), "catch-up");
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      const waiting = held;
      held = undefined;
      // What came over the stream arrived after it opened: new, even if the first start's question already
      // counted it among the old news.
      if (isRunning && waiting.length > 0) {
        if (isFirstStart) handOnLive(waiting);
        else handOn(waiting, "live");
      }
    }
  }

  function handOnLive(batch: NotificationView[]): void {
    const fresh = batch.filter((notification, index) => batch.findIndex((other) => other.id === notification.id) === index);
    if (fresh.length === 0) return;
    const newest = fresh.reduce((a, b) => (isNewerId(b.id, a.id) ? b : a));
    if (isNewerId(newest.id, lastSeenId)) {
      lastSeenId = newest.id;
      options.onLastSeen(newest.id);
    }
    options.onNotifications(fresh, "live");
  }

  function connect(): void {
    cancelRetry = undefined;
    if (!isRunning) return;
    let isOpen = false;
    const current = options.openSocket(options.client.notificationStreamUrl());
    socket = current;
    current.addEventListener("open", () => {
      isOpen = true;
      retryMs = initialRetryMs;
      void catchUp();
    });
    current.addEventListener("message", (event) => {
      const notification = notificationIn(event.data);
      if (!notification) return;
      if (held) held.push(notification);
      else handOn([notification], "live");
    });
    current.addEventListener("close", () => {
      if (socket !== current) return;
      socket = undefined;
      if (!isRunning) return;
      // Never opened: the stream is not there (yet); ask the notifications API instead, then try again.
      if (!isOpen) void catchUp();
      cancelRetry = schedule(connect, retryMs);
      retryMs = Math.min(maxRetryMs, retryMs * 2);
    });
  }

  return {
    start() {
      if (isRunning) return;
      isRunning = true;
      connect();
    },
    stop() {
      isRunning = false;
      cancelRetry?.();
      cancelRetry = undefined;
      const current = socket;
      socket = undefined;
      current?.close();
    },
  };
}
