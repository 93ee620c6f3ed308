import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { getLogger } from "@logtape/logtape";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { CoreContext } from "../../core/context.ts";
import { isOwnList } from "../../core/visibility/stream-audience.ts";
import type { StreamConnection, StreamHub } from "./hub.ts";
import { checkStreamScopes, parseSubscription, StreamRequestError, type StreamParams, type StreamSubscription } from "./streams.ts";
import { isViewerStillValid, resolveStreamViewer, tokenFrom, type StreamViewer } from "./viewer.ts";

const logger = getLogger(["hearth", "streaming"]);

export const STREAMING_PATH = "/api/v1/streaming";
// Mastodon pings every 30 s and drops a socket that missed the pong; proxies (Cloudflare among them) close
// connections that stay silent for much longer.
const DEFAULT_PING_INTERVAL_MS = 30_000;
const CLOSE_GRACE_MS = 1_000;
// Subscribe messages are tiny; anything large is not one.
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface StreamingWebSocketOptions {
  core: CoreContext;
  hub: StreamHub;
  pingIntervalMs?: number;
}

export interface StreamingWebSocket {
  /** For the Node server's 'upgrade' event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Says goodbye (1001) to every socket, then stops. */
  close(): Promise<void>;
}

/** The upgrade refused with a plain HTTP answer, since no WebSocket exists yet to say it on. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface LiveSocket {
  ws: WebSocket;
  connection: StreamConnection;
  isAlive: boolean;
}

/** Mastodon's WebSocket streaming: one socket, many streams, chosen by subscribe and unsubscribe messages. */
export function createStreamingWebSocket(options: StreamingWebSocketOptions): StreamingWebSocket {
  const { core, hub } = options;
  // handleProtocols is left to ws, which answers with the first subprotocol offered: the token apps send
  // there. Browsers drop a socket whose handshake does not echo the subprotocol they asked for.
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const live = new Set<LiveSocket>();

  async function subscribe(socket: LiveSocket, params: StreamParams, subscriptions: Map<string, StreamSubscription>): Promise<void> {
    const { viewer } = socket.connection;
    try {
      const subscription = parseSubscription(params);
      checkStreamScopes(subscription.name, viewer.scopes);
      if (subscription.list !== undefined && !(await isOwnList(core, viewer.account.id, subscription.list))) {
        throw new StreamRequestError(401, "Not authorized to stream this list");
      }
      subscriptions.set(subscription.key, subscription);
    } catch (error) {
      if (!(error instanceof StreamRequestError)) throw error;
      if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(JSON.stringify({ error: error.message, status: error.status }));
    }
  }

  function unsubscribe(socket: LiveSocket, params: StreamParams, subscriptions: Map<string, StreamSubscription>): void {
    try {
      subscriptions.delete(parseSubscription(params).key);
    } catch {
      if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(JSON.stringify({ error: "Error unsubscribing from channel" }));
    }
  }

  function onMessage(socket: LiveSocket, subscriptions: Map<string, StreamSubscription>, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      socket.ws.close(1003, "The streaming API does not take binary messages");
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"));
    } catch {
      return;
    }
    if (message === null || typeof message !== "object") return;
    const { type, ...params } = message as { type?: unknown } & StreamParams;
    if (type === "subscribe") {
      subscribe(socket, params, subscriptions).catch((error: unknown) => logger.error("A subscribe failed: {error}", { error }));
    } else if (type === "unsubscribe") {
      unsubscribe(socket, params, subscriptions);
    }
  }

  function onConnection(ws: WebSocket, viewer: StreamViewer, query: URLSearchParams): void {
    const subscriptions = new Map<string, StreamSubscription>();
    const connection: StreamConnection = {
      viewer,
      subscriptions,
      send(message) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
    };
    const socket: LiveSocket = { ws, connection, isAlive: true };
    live.add(socket);
    hub.add(connection);
    ws.on("pong", () => (socket.isAlive = true));
    ws.on("message", (data, isBinary) => onMessage(socket, subscriptions, data, isBinary));
    ws.on("error", (error) => logger.debug("A streaming socket failed: {error}", { error }));
    ws.on("close", () => {
      live.delete(socket);
      hub.remove(connection);
    });
    // ?stream=user&tag=...: the stream to start with, as Mastodon's clients may ask in the URL.
    if (query.has("stream")) {
      const params = Object.fromEntries(query.entries());
      subscribe(socket, params, subscriptions).catch((error: unknown) => logger.error("A subscribe failed: {error}", { error }));
    }
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname.replace(/\/$/, "") !== STREAMING_PATH) {
      refuseUpgrade(socket, 404, "Not found");
      return;
    }
    let viewer: StreamViewer;
    try {
      const token = tokenFrom({
        authorization: request.headers.authorization,
        accessTokenParam: url.searchParams.get("access_token"),
        webSocketProtocol: request.headers["sec-websocket-protocol"],
      });
      viewer = await resolveStreamViewer(core, token);
    } catch (error) {
      if (!(error instanceof StreamRequestError)) throw error;
      refuseUpgrade(socket, error.status, error.message);
      return;
    }
    if (socket.destroyed) return;
    server.handleUpgrade(request, socket, head, (ws) => onConnection(ws, viewer, url.searchParams));
  }

  const heartbeat = setInterval(() => {
    for (const socket of live) {
      if (!socket.isAlive) {
        socket.ws.terminate();
        continue;
      }
      socket.isAlive = false;
      socket.ws.ping();
      isViewerStillValid(core, socket.connection.viewer)
        .then((isValid) => {
          if (!isValid) socket.ws.close(1008, "The access token was revoked");
        })
        .catch((error: unknown) => logger.error("Could not check a streaming token: {error}", { error }));
    }
  }, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
  heartbeat.unref();

  return {
    handleUpgrade(request, socket, head) {
      // Until ws owns the socket, its errors (a client that went away) are ours to swallow.
      const onSocketError = (error: Error) => logger.debug("An upgrade request's socket failed: {error}", { error });
      socket.on("error", onSocketError);
      upgrade(request, socket, head)
        .catch((error: unknown) => {
          logger.error("A streaming upgrade failed: {error}", { error });
          if (!socket.destroyed) refuseUpgrade(socket, 500, "Something went wrong on this server; the details are in its log.");
        })
        .finally(() => socket.off("error", onSocketError));
    },
    async close() {
      clearInterval(heartbeat);
      const closing = [...live].map(
        ({ ws }) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once("close", () => resolve());
            ws.close(1001, "Hearth is stopping");
            // A client that does not answer the close frame is cut off.
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
          }),
      );
      await Promise.all(closing);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
