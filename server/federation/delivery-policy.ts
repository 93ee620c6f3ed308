import {
  createExponentialBackoffPolicy,
  type CircuitBreakerOptions,
  type CreateExponentialBackoffPolicyOptions,
  type Federation,
  type RetryPolicy,
} from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import { dropGoneFollowers, markPeerHostFailing, markPeerHostHealthy } from "../core/peers/peer-hosts.ts";

const logger = getLogger(["hearth", "federation", "delivery"]);

/**
 * Retries of one delivery: 1 minute, doubling to at most 8 hours apart, 15 attempts, which spans about two
 * days (1+2+4+...+256 minutes is 8.5 hours, then six more 8-hour waits). A home server a peer runs may be
 * asleep for a night; Mastodon keeps trying for a similar span.
 */
export const DELIVERY_RETRY = { initialDelay: { minutes: 1 }, maxDelay: { hours: 8 }, maxAttempts: 15 } as const;

/**
 * Shorter waits than the published ones, for tests that watch a delivery wait out a peer's restart: the
 * retries, and how long a host whose circuit opened is left alone before deliveries to it are tried again.
 */
export interface DeliveryTiming {
  retry?: Pick<CreateExponentialBackoffPolicyOptions, "initialDelay" | "maxDelay" | "maxAttempts">;
  hostRecoveryDelay?: { seconds: number } | { minutes: number };
}

/** Jitter (on by default) spreads retries so a peer coming back is not hit by every queued delivery at once. */
export function deliveryRetryPolicy(options: { jitter?: boolean; timing?: DeliveryTiming } = {}): RetryPolicy {
  return createExponentialBackoffPolicy({ ...DELIVERY_RETRY, ...options.timing?.retry, factor: 2, jitter: options.jitter ?? true });
}

/**
 * Answers that end a delivery at once, as Mastodon's delivery worker has it (response_error_unsalvageable?): any
 * 4xx but 401 (the peer may not have our new key yet), 408 and 429, and 501 (no inbox there to speak of). A 403
 * or 404 stays so on a retry, and retrying it for two days only loads both sides; 5xx, 401, 408, 429 and network
 * errors are retried as DELIVERY_RETRY says.
 */
export const PERMANENT_FAILURE_STATUS_CODES: readonly number[] = [
  ...Array.from({ length: 100 }, (_, index) => 400 + index).filter((status) => ![401, 408, 429].includes(status)),
  501,
];

/**
 * Per-host health through Fedify's circuit breaker: after repeated failures a host's deliveries are held
 * (not attempted) for a while, so a dead server costs the queue nothing and the others are not slowed;
 * held deliveries are kept for two days, as retries are.
 */
export function deliveryCircuitBreaker(core: CoreContext, timing: DeliveryTiming = {}): CircuitBreakerOptions {
  return {
    failureThreshold: 5,
    failureWindow: { minutes: 30 },
    recoveryDelay: timing.hostRecoveryDelay ?? { minutes: 10 },
    heldActivityTtl: { days: 2 },
    async onStateChange(host, previous, next) {
      logger.info("Deliveries to {host}: {previous} -> {next}", { host, previous, next });
      if (next === "open") await markPeerHostFailing(core, host);
      if (next === "closed") await markPeerHostHealthy(core, host);
    },
    onActivityDrop(host, drop) {
      logger.warn("Gave up delivering {type} to {inbox} ({host} unreachable since {since})", {
        type: drop.activityType,
        inbox: drop.inbox.href,
        host,
        since: drop.heldSince.toString(),
      });
    },
  };
}

/**
 * A permanent failure (PERMANENT_FAILURE_STATUS_CODES) ends the delivery. 410 Gone means the actor is gone for
 * good, so it no longer follows us; a 404 may be a peer's passing misconfiguration, so it only stops this delivery.
 */
export function registerPermanentFailureHandler(federation: Federation<CoreContext>): void {
  federation.setOutboxPermanentFailureHandler(async (ctx, failure) => {
    logger.warn("Delivery to {inbox} failed for good ({status}, {reason})", {
      inbox: failure.inbox.href,
      status: failure.statusCode,
      reason: failure.reason,
    });
    if (failure.reason === "http" && failure.statusCode === 410) {
      const dropped = await dropGoneFollowers(
        ctx.data,
        failure.actorIds.map((id) => id.href),
      );
      if (dropped > 0) logger.info("Dropped {dropped} follows of actors gone from {inbox}", { dropped, inbox: failure.inbox.href });
    }
  });
}
