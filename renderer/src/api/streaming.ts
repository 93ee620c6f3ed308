import type { Notification, Status } from "./entities.ts";

/** What the streaming API pushes, with the payload parsed (Mastodon sends it as a JSON string). */
export type StreamEvent =
  | { event: "update"; stream: string[]; status: Status }
  | { event: "status.update"; stream: string[]; status: Status }
  | { event: "delete"; stream: string[]; id: string }
  | { event: "notification"; stream: string[]; notification: Notification };

export type StreamName = "user" | "public" | "public:local" | "hashtag" | "list";

interface RawMessage {
  stream?: string[];
  event?: string;
  payload?: string;
}

export function parseStreamMessage(data: string): StreamEvent | undefined {
  let message: RawMessage;
  try {
    message = JSON.parse(data) as RawMessage;
  } catch {
    return undefined;
  }
  const stream = Array.isArray(message.stream) ? message.stream : [];
  const payload = message.payload ?? "";
  try {
    switch (message.event) {
      case "update":
        return { event: "update", stream, status: JSON.parse(payload) as Status };
      case "status.update":
        return { event: "status.update", stream, status: JSON.parse(payload) as Status };
      case "delete":
        return { event: "delete", stream, id: payload };
      case "notification":
        return { event: "notification", stream, notification: JSON.parse(payload) as Notification };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

export interface StreamSubscription {
  stream: StreamName;
  tag?: string;
  list?: string;
}

export interface StreamingOptions {
  /** ws:// or wss:// address of /api/v1/streaming. */
  url: string;
  token: string;
  subscription: StreamSubscription;
  onEvent(event: StreamEvent): void;
  /** Whether the socket is open; when it is not, timelines fall back to asking now and then. */
  onOpenChange(open: boolean): void;
}

/**
 * A WebSocket for one stream, named in the query as every Mastodon server since 2.x understands (the
 * multiplexed subscribe messages are newer), reconnecting with a growing pause when it drops.
 */
export function connectStreaming(options: StreamingOptions): { close(): void } {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 1_000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    if (closed) return;
    const url = new URL(options.url);
    url.searchParams.set("access_token", options.token);
    url.searchParams.set("stream", options.subscription.stream);
    if (options.subscription.tag) url.searchParams.set("tag", options.subscription.tag);
    if (options.subscription.list) url.searchParams.set("list", options.subscription.list);
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      delay = 1_000;
      options.onOpenChange(true);
    });
    socket.addEventListener("message", (message) => {
      const event = typeof message.data === "string" ? parseStreamMessage(message.data) : undefined;
      if (event) options.onEvent(event);
    });
    socket.addEventListener("close", () => {
      options.onOpenChange(false);
      if (closed) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 60_000);
    });
  };
  open();
  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.close();
    },
  };
}

export function streamingUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/v1/streaming`;
}
