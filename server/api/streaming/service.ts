import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { createStreamHub, type StreamPayloads } from "./hub.ts";
import { serverSentEvents } from "./server-sent-events.ts";
import { createStreamingWebSocket } from "./websocket.ts";

export interface StreamingOptions {
  core: CoreContext;
  payloads: StreamPayloads;
  pingIntervalMs?: number;
  heartbeatMs?: number;
}

/** The streaming API: the WebSocket (Node's 'upgrade' event) and the HTTP routes (health, server-sent events). */
export interface StreamingService {
  /** Mounted at /api/v1/streaming. */
  readonly routes: Hono<HonoApiEnv>;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every stream; call before the HTTP server closes, which waits for them. */
  close(): Promise<void>;
}

export function createStreamingService(options: StreamingOptions): StreamingService {
  const hub = createStreamHub(options.core, options.payloads);
  const webSocket = createStreamingWebSocket({ core: options.core, hub, pingIntervalMs: options.pingIntervalMs });
  const sse = serverSentEvents(options.core, hub, options.heartbeatMs);
  return {
    routes: sse.routes,
    handleUpgrade: (request, socket, head) => webSocket.handleUpgrade(request, socket, head),
    async close() {
      sse.close();
      await webSocket.close();
      await hub.close();
    },
  };
}
