import { createMiddleware } from "hono/factory";
import type { CoreContext } from "../core/context.ts";
import type { WriteGeneration } from "../db/write-generation.ts";
import type { HonoApiEnv } from "./hono-env.ts";

/**
 * How long an answer may be reused while nothing was written. The bound covers what changes with time alone
 * (a poll that closes, a mute or filter that runs out): at most this late.
 */
const REUSE_FOR_MS = 1_000;
const MOST_ENTRIES = 200;
const LARGEST_BODY_BYTES = 1_000_000;

interface RecentResponse {
  generation: string;
  storedAt: number;
  /** Bytes, not a string: encoding a page of statuses anew for every answer would cost more than the rest of it. */
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

/** Response headers that belong to the answer itself; CORS and rate-limit headers are each request's own. */
const KEPT_HEADERS = ["content-type", "link"];

/**
 * Reuses a timeline or notifications page answered moments ago to the same token for the same URL, as long
 * as nothing has been written to the database since it was read (write-generation.ts) and for at most
 * REUSE_FOR_MS. Apps poll these pages, often several at once (a phone, a desktop app, a browser tab), and
 * rendering a page costs far more than checking that nothing changed. The key is the token, not the
 * account: a page is only ever reused for the token that passed the route's own scope check, and
 * authentication and rate limits run before this on every request.
 */
export function reuseRecentResponses(core: CoreContext, generation: WriteGeneration, origin: () => string) {
  const recent = new Map<string, RecentResponse>();
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    if (c.req.method !== "GET") return next();
    const key = `${c.get("auth")?.token.id ?? "-"} ${origin()} ${c.req.url}`;
    const now = core.clock.now().getTime();
    const readAt = generation.current();
    const reusable = recent.get(key);
    if (reusable && reusable.generation === readAt && now - reusable.storedAt < REUSE_FOR_MS) {
      return c.body(reusable.body, 200, reusable.headers);
    }
    await next();
    const answer = c.res;
    if (answer.status !== 200 || !answer.headers.get("content-type")?.startsWith("application/json")) return;
    // Read once, and answered from the same bytes: a clone would tee the body into two streams. Hono merges a
    // response set over another into a copy of it (its body a stream again), so the old one is let go first.
    const body = new Uint8Array(await answer.arrayBuffer());
    const answerHeaders = new Headers(answer.headers);
    c.res = undefined;
    c.res = new Response(body, { status: 200, headers: answerHeaders });
    if (body.byteLength > LARGEST_BODY_BYTES) return;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = answerHeaders.get(name);
      if (value !== null) headers[name] = value;
    }
    recent.delete(key);
    // The generation from before the page was read: a write while it was being read makes it stale at once.
    recent.set(key, { generation: readAt, storedAt: now, body, headers });
    if (recent.size > MOST_ENTRIES) recent.delete(recent.keys().next().value!);
  });
}
