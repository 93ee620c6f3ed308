import { WebSocket, type RawData } from "ws";

/** What Mastodon's streaming API sends over a WebSocket. */
export interface RawStreamMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
  status?: number;
}

/**
 * A raw WebSocket to the streaming API that keeps every message, so a test can wait for the one it expects
 * (and check what did not come). Connect with the token where the test wants it.
 */
export interface RawStreamClient {
  readonly ws: WebSocket;
  readonly messages: RawStreamMessage[];
  send(message: Record<string, unknown>): void;
  /** Resolves with the first message (from index `from` on) that matches, or fails after the deadline. */
  next(match: (message: RawStreamMessage) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<RawStreamMessage>;
  /** Resolves once the socket has closed, with its close code. */
  closed(): Promise<number>;
  close(): void;
}

export function openRawStream(url: string, protocols?: string | string[], headers?: Record<string, string>): Promise<RawStreamClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    const messages: RawStreamMessage[] = [];
    const waiters = new Set<() => void>();
    let closeCode: number | undefined;
    const closeWaiters = new Set<(code: number) => void>();
    ws.on("message", (data: RawData) => {
      messages.push(JSON.parse(data.toString()) as RawStreamMessage);
      for (const wake of waiters) wake();
    });
    ws.on("close", (code) => {
      closeCode = code;
      for (const done of closeWaiters) done(code);
    });
    ws.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once("error", reject);
    ws.once("open", () =>
      resolve({
        ws,
        messages,
        send: (message) => ws.send(JSON.stringify(message)),
        next(match, { from = 0, timeoutMs = 10_000 } = {}) {
          return new Promise((found, fail) => {
            const check = () => {
              const hit = messages.slice(from).find(match);
              if (!hit) return false;
              waiters.delete(check);
              clearTimeout(timer);
              found(hit);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`No matching streaming message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(from))}`));
            }, timeoutMs);
            if (!check()) waiters.add(check);
          });
        },
        closed: () => new Promise((done) => (closeCode === undefined ? closeWaiters.add(done) : done(closeCode))),
        close: () => ws.close(),
      }),
    );
  });
}

/** Keeps every event a masto streaming subscription yields, in order, for waitFor to look at. */
export function collectEvents<T>(subscription: AsyncIterable<T>): T[] {
  const events: T[] = [];
  void (async () => {
    for await (const event of subscription) events.push(event);
  })().catch(() => {
    // The client was closed, or the socket failed: the test sees that the events stopped coming.
  });
  return events;
}
