import { getLogger } from "@logtape/logtape";
import type { SqliteKvStore } from "./fedify-kv-store.ts";

const logger = getLogger(["hearth", "kv"]);

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Fedify caches remote documents and public keys in the key-value store, some without a TTL. On a busy
 * day that is thousands of rows, so what has not been rewritten for a week goes (a later fetch brings it
 * back), and expired entries go every hour rather than only when someone happens to read them.
 */
const AGED_PREFIXES = [
  { prefix: ["_fedify", "remoteDocument"] as const, maxAgeMs: 7 * DAY_MS },
  { prefix: ["_fedify", "publicKey"] as const, maxAgeMs: 7 * DAY_MS },
  { prefix: ["_fedify", "httpMessageSignaturesSpec"] as const, maxAgeMs: 30 * DAY_MS },
];

export function pruneFedifyCaches(kv: SqliteKvStore): number {
  let removed = kv.pruneExpired();
  for (const { prefix, maxAgeMs } of AGED_PREFIXES) removed += kv.pruneByPrefix(prefix, maxAgeMs);
  return removed;
}

/** Prunes now and then every hour until stopped. */
export function schedulePruning(kv: SqliteKvStore, intervalMs = HOUR_MS): { stop(): void } {
  const run = () => {
    try {
      const removed = pruneFedifyCaches(kv);
      if (removed > 0) logger.debug("Pruned {removed} cached federation entries.", { removed });
    } catch (error) {
      logger.warn("Could not prune the federation cache: {error}", { error });
    }
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
