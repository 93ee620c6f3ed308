import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { HonoApiEnv } from "../api/hono-env.ts";
import type { Clock } from "../core/clock.ts";
import { clientAddress, isThisComputer } from "./client-address.ts";

/** At most `limit` requests in each `periodSeconds`-long window. */
export interface RateLimitRule {
  limit: number;
  periodSeconds: number;
}

/** Every limit the instance enforces; startInstance takes partial overrides so tests can use small numbers. */
export interface RateLimits {
  /** Per access token, or per client address for requests without one. */
  api: RateLimitRule;
  /** POST /oauth/authorize (the sign-in form), per client address: guessing passwords must be slow. */
  signIn: RateLimitRule;
  /**
   * Wrong passwords for one account, from any address, in a sliding window: past the limit every sign-in to that
   * account waits, right password or not, until the oldest of those failures is periodSeconds old. Addresses
   * are cheap to change (an IPv6 prefix holds billions), an account's password is what is being guessed.
   */
  signInAccount: RateLimitRule;
  /** POST /api/v1/media and /api/v2/media, per account: uploads cost disk and CPU. */
  mediaUploads: RateLimitRule;
}

/** Mastodon's numbers (config/initializers/rack_attack.rb), which apps are written to live with. */
export const MASTODON_RATE_LIMITS: RateLimits = {
  api: { limit: 300, periodSeconds: 5 * 60 },
  signIn: { limit: 25, periodSeconds: 5 * 60 },
  // Not Mastodon's (it counts sign-ins per e-mail address, 25 an hour): 10 wrong passwords in 15 minutes.
  signInAccount: { limit: 10, periodSeconds: 15 * 60 },
  mediaUploads: { limit: 30, periodSeconds: 30 * 60 },
};

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetAt: Date;
  isLimited: boolean;
}

/**
 * Fixed windows aligned to multiples of the period since the epoch, as Rack::Attack counts them, so every
 * request in a window sees the same reset time. Counts live in memory: a restart forgives everyone.
 */
export function createRateCounter(rule: RateLimitRule, clock: Clock) {
  const periodMs = rule.periodSeconds * 1000;
  const counts = new Map<string, { windowStart: number; count: number }>();
  let sweptWindow = 0;
  return {
    hit(key: string): RateLimitState {
      const now = clock.now().getTime();
      const windowStart = Math.floor(now / periodMs) * periodMs;
      // Once a window has passed, every count from before it is worthless; drop them so the map stays small.
      if (windowStart !== sweptWindow) {
        for (const [stale, entry] of counts) if (entry.windowStart < windowStart) counts.delete(stale);
        sweptWindow = windowStart;
      }
      const entry = counts.get(key);
      const count = entry && entry.windowStart === windowStart ? entry.count + 1 : 1;
      counts.set(key, { windowStart, count });
      return {
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - count),
        resetAt: new Date(windowStart + periodMs),
        isLimited: count > rule.limit,
      };
    },
  };
}

/** A rule and what it counts by; a key of undefined means the rule does not apply to this request. */
export interface RateLimitBucket {
  rule: RateLimitRule;
  key(c: Context<HonoApiEnv>): string | undefined;
}

function setRateLimitHeaders(c: Context, state: RateLimitState): void {
  c.header("X-RateLimit-Limit", String(state.limit));
  c.header("X-RateLimit-Remaining", String(state.remaining));
  c.header("X-RateLimit-Reset", state.resetAt.toISOString());
}

export type TooManyRequests = (c: Context, state: RateLimitState) => Response;

/** Mastodon's answer to an API client over its limit. */
export const tooManyApiRequests: TooManyRequests = (c) => c.json({ error: "Too many requests" }, 429);

export interface RateLimitOptions {
  tooMany?: TooManyRequests;
  /** Whether this computer's own requests (isThisComputer) go uncounted; true unless said otherwise. */
  exemptsThisComputer?: boolean;
}

/**
 * Counts the request in every bucket that applies. The headers describe the bucket closest to its limit,
 * as Mastodon's do; over any limit, the request is answered 429 without running. This computer itself (the
 * desktop app, scripts, benchmarks) is not limited unless asked, as Mastodon safelists localhost; requests
 * through the tunnel never count as this computer's, whatever they say.
 */
export function rateLimit(clock: Clock, buckets: readonly RateLimitBucket[], options: RateLimitOptions = {}): MiddlewareHandler<HonoApiEnv> {
  const { tooMany = tooManyApiRequests, exemptsThisComputer = true } = options;
  const counted = buckets.map((bucket) => ({ bucket, counter: createRateCounter(bucket.rule, clock) }));
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    if (exemptsThisComputer && isThisComputer(c)) return next();
    let tightest: RateLimitState | undefined;
    for (const { bucket, counter } of counted) {
      const key = bucket.key(c);
      if (key === undefined) continue;
      const state = counter.hit(key);
      if (!tightest || state.isLimited || (!tightest.isLimited && state.remaining < tightest.remaining)) tightest = state;
    }
    if (!tightest) return next();
    setRateLimitHeaders(c, tightest);
    if (tightest.isLimited) {
      c.header("Retry-After", String(Math.max(1, Math.ceil((tightest.resetAt.getTime() - clock.now().getTime()) / 1000))));
      return tooMany(c, tightest);
    }
    return next();
  });
}

const MEDIA_UPLOAD_PATH = /^\/api\/v[12]\/media\/?$/;

/** For /api/*, after authentication: per token (or per address without one), and media uploads per account. */
export function apiRateLimit(limits: RateLimits, clock: Clock): MiddlewareHandler<HonoApiEnv> {
  return rateLimit(clock, [
    {
      rule: limits.api,
      key: (c) => {
        const auth = c.get("auth");
        return auth ? `token:${auth.token.id}` : `address:${clientAddress(c)}`;
      },
    },
    {
      rule: limits.mediaUploads,
      key: (c) => {
        const account = c.get("auth")?.account;
        return c.req.method === "POST" && account && MEDIA_UPLOAD_PATH.test(c.req.path) ? `account:${account.id}` : undefined;
      },
    },
  ]);
}

/** Whole minutes until `until`, at least one, as a phrase: "3 minutes". */
function minutesUntil(until: Date, clock: Clock): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - clock.now().getTime()) / 60_000));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * For the sign-in form, per client address. A person reads this page, so the answer is a sentence, not JSON.
 * This computer is counted too: a password guess is a guess wherever it comes from, and anything that
 * forwards to the main port (a reverse proxy of the user's own, a tunnel routed there) arrives from loopback.
 */
export function signInRateLimit(limits: RateLimits, clock: Clock, attempts = "sign-in attempts"): MiddlewareHandler<HonoApiEnv> {
  const tooManySignIns: TooManyRequests = (c, state) => {
    c.header("Cache-Control", "no-store");
    return c.text(`Too many ${attempts} from your address. Try again in ${minutesUntil(state.resetAt, clock)}.`, 429);
  };
  return rateLimit(clock, [{ rule: limits.signIn, key: (c) => (c.req.method === "POST" ? `address:${clientAddress(c)}` : undefined) }], {
    tooMany: tooManySignIns,
    exemptsThisComputer: false,
  });
}
