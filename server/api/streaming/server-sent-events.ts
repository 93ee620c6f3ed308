import { getLogger } from "@logtape/logtape";
import { Hono, type Context } from "hono";
import { stream } from "hono/streaming";
import type { CoreContext } from "../../core/context.ts";
import { isOwnList } from "../../core/visibility/stream-audience.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { mastodonError } from "../mastodon-error.ts";
import type { StreamConnection, StreamHub, StreamMessage } from "./hub.ts";
import { checkStreamScopes, parseSubscription, StreamRequestError, type StreamName, type StreamSubscription } from "./streams.ts";
import { isViewerStillValid, resolveStreamViewer, tokenFrom, type StreamViewer } from "./viewer.ts";

const logger = getLogger(["hearth", "streaming"]);

// Mastodon's paths for server-sent events, one stream each.
const SSE_PATHS: ReadonlyArray<[string, StreamName]> = [
  ["/user", "user"],
  ["/user/notification", "user:notification"],
  ["/public", "public"],
  ["/public/local", "public:local"],
  ["/public/remote", "public:remote"],
  ["/hashtag", "hashtag"],
  ["/hashtag/local", "hashtag:local"],
  ["/list", "list"],
  ["/direct", "direct"],
];

// Mastodon's heartbeat comment, often enough that proxies keep the response open.
const DEFAULT_HEARTBEAT_MS = 15_000;

/** An event as SSE frames it; a missing payload is written "undefined", as Mastodon writes it. */
function frame(message: StreamMessage): string {
  return `event: ${message.event}\ndata: ${message.payload ?? "undefined"}\n\n`;
}

export interface ServerSentEvents {
  routes: Hono<HonoApiEnv>;
  /** Ends every open response, so the HTTP server can stop. */
  close(): void;
}

/** /api/v1/streaming/health and the server-sent-events streams, for clients that do not use the WebSocket. */
export function serverSentEvents(core: CoreContext, hub: StreamHub, heartbeatMs = DEFAULT_HEARTBEAT_MS): ServerSentEvents {
  const routes = new Hono<HonoApiEnv>();
  const open = new Set<() => void>();

  routes.get("/health", (c) => {
    c.header("Cache-Control", "no-store");
    return c.text("OK");
  });

  const openStream = (name: StreamName) => async (c: Context<HonoApiEnv>) => {
    let subscription: StreamSubscription;
    let viewer: StreamViewer;
    try {
      viewer = await resolveStreamViewer(core, tokenFrom({ authorization: c.req.header("authorization"), accessTokenParam: c.req.query("access_token") }));
      subscription = parseSubscription({ stream: name, tag: c.req.query("tag"), list: c.req.query("list"), only_media: c.req.query("only_media") });
      checkStreamScopes(subscription.name, viewer.scopes);
      if (subscription.list !== undefined && !(await isOwnList(core, viewer.account.id, subscription.list))) {
        throw new StreamRequestError(401, "Not authorized to stream this list");
      }
    } catch (error) {
      if (error instanceof StreamRequestError) return mastodonError(c, error.status, error.message);
      throw error;
    }
    c.header("Content-Type", "text/event-stream");
    c.header("Cache-Control", "no-store");
    // Tells a proxy in front not to hold events back in a buffer.
    c.header("X-Accel-Buffering", "no");
    const streamViewer = viewer;
    return stream(c, async (output) => {
      const write = (text: string) => void output.write(text);
      const connection: StreamConnection = {
        viewer: streamViewer,
        subscriptions: new Map([[subscription.key, subscription]]),
        send: (message) => write(frame(message)),
      };
      let end = () => {};
      const ended = new Promise<void>((resolve) => (end = resolve));
      open.add(end);
      output.onAbort(end);
      const heartbeat = setInterval(() => {
        write(":thump\n");
        isViewerStillValid(core, streamViewer)
          .then((isValid) => isValid || end())
          .catch((error: unknown) => logger.error("Could not check a streaming token: {error}", { error }));
      }, heartbeatMs);
      hub.add(connection);
      write(":)\n");
      try {
        await ended;
      } finally {
        clearInterval(heartbeat);
        hub.remove(connection);
        open.delete(end);
      }
    });
  };
  for (const [path, name] of SSE_PATHS) routes.get(path, openStream(name));

  return {
    routes,
    close() {
      for (const end of open) end();
    },
  };
}
