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
/** URLs remembered as asked (a key and a time each, no body), for storing only an answer asked for again. */
const MOST_ASKED = 2_000;
const LARGEST_BODY_BYTES = 1_000_000;
/** All kept bodies together: two hundred pages of a megabyte would be 200 MB held for a moment's reuse. */
const MOST_BYTES = 8_000_000;

interface RecentResponse {
  generation: string;
  storedAt: number;
  /** Bytes, not a string: encoding a page of statuses anew for every answer would cost more than the rest of it. */
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

export interface RecentResponseLimits {
  reuseForMs: number;
  mostEntries: number;
  mostBytes: number;
  /** How many keys askedAgain remembers; MOST_ASKED unless given. */
  mostAsked?: number;
}

/**
 * The answers kept for reuse, oldest first (a Map keeps insertion order, and an entry is stored anew each
 * time). Bounded in count and in bytes, and emptied of what is too old to reuse: once requests stop, a
 * sweep after REUSE_FOR_MS lets the last pages go, rather than holding them until the next busy moment.
 */
export class RecentResponseStore {
  readonly #entries = new Map<string, RecentResponse>();
  /** When each key was last asked for, oldest first. */
  readonly #asked = new Map<string, number>();
  readonly #limits: RecentResponseLimits;
  readonly #now: () => number;
  #bytes = 0;
  #sweep: NodeJS.Timeout | undefined;

  constructor(now: () => number, limits: RecentResponseLimits = { reuseForMs: REUSE_FOR_MS, mostEntries: MOST_ENTRIES, mostBytes: MOST_BYTES }) {
    this.#now = now;
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The answer stored under key at `generation`, if it is still young enough to reuse. */
  reusable(key: string, generation: string): RecentResponse | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.generation !== generation || this.#now() - entry.storedAt >= this.#limits.reuseForMs) return undefined;
    return entry;
  }

  /**
   * Notes that `key` is asked for now, and says whether it was asked for within the reuse window before: only
   * such an answer is worth keeping. A page asked for once (an older page scrolled past, the first page after a
   * write read by one client) is never asked again within the window, and keeping every one of them held up to
   * MOST_BYTES of bodies nobody reused: under bench/timeline-latency.ts's fresh pages that churn of kept
   * buffers cost 0.2-0.3 ms of CPU a request, a quarter of the request (issue #19).
   */
  askedAgain(key: string): boolean {
    const now = this.#now();
    const last = this.#asked.get(key);
    this.#asked.delete(key);
    this.#asked.set(key, now);
    if (this.#asked.size > (this.#limits.mostAsked ?? MOST_ASKED)) this.#asked.delete(this.#asked.keys().next().value!);
    this.#scheduleSweep();
    return last !== undefined && now - last < this.#limits.reuseForMs;
  }

  store(key: string, entry: RecentResponse): void {
    this.#remove(key);
    if (entry.body.byteLength > this.#limits.mostBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.body.byteLength;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.#limits.mostEntries && this.#bytes <= this.#limits.mostBytes) break;
      this.#remove(oldest);
    }
    this.#scheduleSweep();
  }

  /** Drops every answer too old to be reused. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (now - entry.storedAt < this.#limits.reuseForMs) break;
      this.#remove(key);
    }
    for (const [key, askedAt] of this.#asked) {
      if (now - askedAt < this.#limits.reuseForMs) break;
      this.#asked.delete(key);
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.body.byteLength;
  }

  #scheduleSweep(): void {
    if (this.#sweep) return;
    // unref: a sweep still to come never keeps a stopping process alive.
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      this.sweep();
      if (this.#entries.size > 0 || this.#asked.size > 0) this.#scheduleSweep();
    }, this.#limits.reuseForMs).unref();
  }
}

/** Response headers that belong to the answer itself; CORS and rate-limit headers are each request's own. */
const KEPT_HEADERS = ["content-type", "link"];

function keptHeaders(answerHeaders: Headers): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = answerHeaders.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/**
 * Reuses a timeline or notifications page answered moments ago to the same token for the same URL, as long
 * as nothing has been written to the database since it was read (write-generation.ts) and for at most
 * REUSE_FOR_MS. An answer is kept only when its URL was asked for within REUSE_FOR_MS before
 * (RecentResponseStore.askedAgain): a page polled is reused from its third asking on, and a page asked once is
 * not held. Apps poll these pages, often several at once (a phone, a desktop app, a browser tab), and
 * rendering a page costs far more than checking that nothing changed. The key is the token, not the
 * account: a page is only ever reused for the token that passed the route's own scope check, and
 * authentication and rate limits run before this on every request.
 */
export function reuseRecentResponses(
  core: Pick<CoreContext, "clock">,
  generation: WriteGeneration,
  origin: () => string,
  recent: RecentResponseStore = new RecentResponseStore(() => core.clock.now().getTime()),
) {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    if (c.req.method !== "GET") return next();
    const key = `${c.get("auth")?.token.id ?? "-"} ${origin()} ${c.req.url}`;
    const now = core.clock.now().getTime();
    const readAt = generation.current();
    const reusable = recent.reusable(key, readAt);
    if (reusable) return c.body(reusable.body, 200, reusable.headers);
    const isWorthKeeping = recent.askedAgain(key);
    await next();
    if (!isWorthKeeping) return;
    const answer = c.res;
    if (answer.status !== 200 || !answer.headers.get("content-type")?.startsWith("application/json")) return;
    const kept = c.get("answerBytes");
    if (kept !== undefined) {
      // The route kept its bytes (json-answer.ts): the answer goes out as it is and the same bytes are kept.
      const body = kept;
      if (body.byteLength <= LARGEST_BODY_BYTES) recent.store(key, { generation: readAt, storedAt: now, body, headers: keptHeaders(answer.headers) });
      return;
    }
    // Read once, and answered from the same bytes: a clone would tee the body into two streams. Hono merges a
    // response set over another into a copy of it (its body a stream again), so the old one is let go first.
    const body = new Uint8Array(await answer.arrayBuffer());
    const answerHeaders = new Headers(answer.headers);
    c.res = undefined;
    c.res = new Response(body, { status: 200, headers: answerHeaders });
    if (body.byteLength > LARGEST_BODY_BYTES) return;
    // The generation from before the page was read: a write while it was being read makes it stale at once.
    recent.store(key, { generation: readAt, storedAt: now, body, headers: keptHeaders(answerHeaders) });
  });
}
