import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** How long requests already under way get to finish once a stop has begun. */
export const REQUEST_DEADLINE_MS = 5_000;
/** After the deadline, how long the closing of every socket may take before the stop goes on without it. */
const SOCKETS_CLOSED_MS = 500;

const RETRY_AFTER_SECONDS = "10";

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
export async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.catch(() => undefined), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a request that arrives during a stop gets: try again soon, on a new connection. */
export function stoppingResponse(): Response {
  return Response.json(
    { error: "Hearth is stopping; try again in a moment." },
    { status: 503, headers: { Connection: "close", "Retry-After": RETRY_AFTER_SECONDS } },
  );
}

/** The same answer to a WebSocket upgrade, written on the raw socket (Hono never sees upgrades). */
export function refuseUpgradeWhileStopping(socket: Duplex): void {
  const body = JSON.stringify({ error: "Hearth is stopping; try again in a moment." });
  socket.end(
    "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\n" +
      `Retry-After: ${RETRY_AFTER_SECONDS}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface ServerStop {
  /** Whether a stop has begun: what arrives now is answered with stoppingResponse(). */
  readonly isStopping: boolean;
  /**
   * Stops the server within the deadline, whatever clients do: requests under way get until the deadline (their
   * answers close the connection), then every socket is closed, including one that never finished its
   * headers. Meanwhile the server keeps listening, so that new requests get a 503 rather than a refused
   * connection.
   */
  stop(): Promise<void>;
}

/** Tracks the requests under way on `server` so that a stop can give them a deadline. */
export function watchForStop(server: Server, deadlineMs = REQUEST_DEADLINE_MS): ServerStop {
  const underWay = new Set<ServerResponse>();
  let isStopping = false;
  let stopping: Promise<void> | undefined;
  server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    // Answered with a 503 at once; only what began before the stop is waited for.
    if (isStopping) return;
    underWay.add(response);
    response.once("close", () => underWay.delete(response));
  });

  async function stop(): Promise<void> {
    isStopping = true;
    for (const response of underWay) {
      // Answers not yet begun say Connection: close, so clients do not send another request on them.
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    server.closeIdleConnections();
    const finished = [...underWay].map((response) => new Promise<void>((resolve) => response.once("close", () => resolve())));
    await within(deadlineMs, Promise.all(finished));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await within(SOCKETS_CLOSED_MS, closed);
  }

  return {
    get isStopping() {
      return isStopping;
    },
    stop: () => (stopping ??= stop()),
  };
}
