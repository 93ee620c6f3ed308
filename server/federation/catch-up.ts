import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { readLastReachableAt, recordReachableAt } from "../core/peers/catch-up-state.ts";
import type { CoreContext } from "../core/context.ts";
import type { TunnelStatus, TunnelWatch } from "../tunnel/status.ts";
import { runCatchUp, type CatchUpBounds, type CatchUpSummary } from "./catch-up-run.ts";

const logger = getLogger(["hearth", "federation", "catch-up"]);

/**
 * Catching up after being away. A home computer sleeps, loses its network, or has its tunnel drop, and
 * peers give up delivering to it (snac2 drops a delivery whose connection is refused at once, GoToSocial
 * after minutes, Mastodon after days). So when Hearth comes back, at every start and whenever the clocks
 * show that the computer slept, however briefly, it reads what it missed (catch-up-run.ts) in the
 * background: one outbox page per followed account after a short absence, further back after a long one.
 * When the tunnel is up again after a while down, it does the same.
 */

export interface CatchUpTiming extends CatchUpBounds {
  /** How often the instance notes that it is awake and reachable (the time the next start reads back to). */
  heartbeatMs: number;
  /** How often the clocks are compared to notice a sleep. */
  wakeCheckMs: number;
  /**
   * This much wall-clock time unaccounted for between two checks means the computer slept: time the
   * monotonic clock did not see (it stands still in sleep on Linux and macOS), or a check this much later
   * than due (a frozen process, or a system whose monotonic clock counts sleep).
   */
  sleepGapMs: number;
  /** Away for less than this, one outbox page per account is read; for longer, pages back (CatchUpBounds). */
  deepReadAfterMs: number;
  /**
   * A tunnel down for less than this needs no catch-up: peers got an HTTP error from Cloudflare meanwhile,
   * which they retry (unlike a refused connection).
   */
  minAwayMs: number;
  /** The first catch-up waits this long after start, so it does not slow starting up. */
  startDelayMs: number;
}

export const CATCH_UP_TIMING: CatchUpTiming = {
  heartbeatMs: 60_000,
  wakeCheckMs: 5_000,
  sleepGapMs: 10_000,
  deepReadAfterMs: 2 * 60_000,
  minAwayMs: 2 * 60_000,
  startDelayMs: 5_000,
  marginMs: 15 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  maxItemsPerAccount: 200,
  repliesWindowMs: 3 * 24 * 3_600_000,
  maxReplyRoots: 20,
  maxRepliesPerRoot: 5,
  maxItemsPerRepliesCollection: 20,
  concurrency: 4,
  perHostIntervalMs: 1_000,
};

export interface CatchUpDependencies {
  federation: Federation<CoreContext>;
  core: CoreContext;
  origin(): string;
  /** Peers reach us only while the tunnel is connected (unless there is none). */
  tunnel?: TunnelWatch;
  timing?: Partial<CatchUpTiming>;
  /** The clocks compared to notice a sleep; tests move them by hand. */
  clocks?: SleepClocks;
}

export interface SleepClocks {
  /** Wall-clock milliseconds (Date.now): they run on while the computer sleeps. */
  wall(): number;
  /** Monotonic milliseconds (performance.now): they stand still while it sleeps, on Linux and macOS. */
  monotonic(): number;
}

const SYSTEM_CLOCKS: SleepClocks = { wall: () => Date.now(), monotonic: () => performance.now() };

export interface CatchUp {
  /** Resolves once the catch-up at start (and any other asked for meanwhile) has finished. */
  whenIdle(): Promise<void>;
  /** The figures of the last catch-up that finished. */
  lastSummary(): CatchUpSummary | undefined;
  /** Stops the timers and a catch-up under way, and notes that we were reachable until now. */
  stop(): Promise<void>;
}

function isReachableThrough(status: TunnelStatus | undefined): boolean {
  return status === undefined || status.mode === "off" || status.state === "connected";
}

export function startCatchUp(deps: CatchUpDependencies): CatchUp {
  const timing: CatchUpTiming = { ...CATCH_UP_TIMING, ...deps.timing };
  const { core } = deps;
  const stopping = new AbortController();
  let lastSummary: CatchUpSummary | undefined;
  let running: Promise<void> | undefined;
  /** A catch-up asked for while one runs: the next run reads back to the earliest time asked. */
  let pending: { reason: string; since: Date } | undefined;
  const isReachable = () => isReachableThrough(deps.tunnel?.status());

  async function drain(): Promise<void> {
    while (pending && !stopping.signal.aborted) {
      const { reason, since } = pending;
      pending = undefined;
      try {
        const ctx = deps.federation.createContext(new URL(deps.origin()), core);
        // A short absence costs one request per followed account; only a long one pages back.
        const isShort = core.clock.now().getTime() - since.getTime() < timing.deepReadAfterMs;
        const bounds = isShort ? { ...timing, maxPagesPerAccount: 1 } : timing;
        const summary = await runCatchUp(ctx, { reason, since, bounds, signal: stopping.signal });
        lastSummary = summary;
        logger.info(
          "Caught up ({reason}): {itemsRead} items read from {accounts} followed accounts, " +
            "{postsStored} posts and {repliesStored} replies stored, {failures} unreadable, in {durationMs} ms",
          { ...summary },
        );
      } catch (error) {
        logger.warn("Catching up ({reason}) failed: {error}", { reason, error });
      }
    }
  }

  function request(reason: string, since: Date): void {
    if (stopping.signal.aborted) return;
    const earliest = pending === undefined || since < pending.since ? since : pending.since;
    pending = { reason: pending ? `${pending.reason}+${reason}` : reason, since: earliest };
    running ??= drain().finally(() => {
      running = undefined;
    });
  }

  // Read before anything records a new time: this is when we were last reachable before this start.
  let lastReachableAt: Date | null = null;
  const starting = readLastReachableAt(core).then(
    (at) => {
      lastReachableAt = at;
    },
    (error: unknown) => logger.warn("Cannot read when the instance was last reachable: {error}", { error }),
  );
  const noteReachable = (at: Date) => {
    lastReachableAt = at;
    recordReachableAt(core, at).catch((error: unknown) => logger.warn("Cannot record that the instance is reachable: {error}", { error }));
  };

  let startDecided: () => void = () => undefined;
  const atStart = new Promise<void>((resolve) => {
    startDecided = resolve;
  });
  const startTimer = setTimeout(() => {
    void starting.then(() => {
      // Never reachable before (a new instance): nothing was missed. Otherwise, however short the time away:
      // a peer that found the port closed may have dropped what it sent (snac2 does).
      if (lastReachableAt) request("start", lastReachableAt);
      if (isReachable()) noteReachable(core.clock.now());
      startDecided();
    });
  }, timing.startDelayMs);

  const clocks = deps.clocks ?? SYSTEM_CLOCKS;
  let lastWall = clocks.wall();
  let lastMonotonic = clocks.monotonic();
  let lastNoted = lastWall;
  const heartbeat = setInterval(() => {
    const wall = clocks.wall();
    const monotonic = clocks.monotonic();
    const elapsed = wall - lastWall;
    const unseen = elapsed - (monotonic - lastMonotonic);
    const late = elapsed - timing.wakeCheckMs;
    lastWall = wall;
    lastMonotonic = monotonic;
    const asleep = Math.max(unseen, late);
    if (asleep >= timing.sleepGapMs) {
      logger.info("The computer was asleep for about {seconds} seconds; catching up", { seconds: Math.round(asleep / 1_000) });
      request("woke", lastReachableAt ?? new Date(core.clock.now().getTime() - asleep));
    }
    if (isReachable() && (asleep >= timing.sleepGapMs || wall - lastNoted >= timing.heartbeatMs)) {
      lastNoted = wall;
      noteReachable(core.clock.now());
    }
  }, timing.wakeCheckMs);
  heartbeat.unref();

  // The tunnel coming back after a while down: peers could not reach us meanwhile. At start the tunnel
  // connects for the first time, which the catch-up at start already covers.
  let wasReachable = true;
  const stopWatchingTunnel = deps.tunnel?.onStatus((status) => {
    const reachable = isReachableThrough(status);
    const now = core.clock.now();
    if (wasReachable && !reachable) noteReachable(now);
    if (!wasReachable && reachable) {
      const since = lastReachableAt;
      if (since && now.getTime() - since.getTime() >= timing.minAwayMs) request("tunnel", since);
      noteReachable(now);
    }
    wasReachable = reachable;
  });

  return {
    async whenIdle() {
      await atStart;
      while (running) await running;
    },
    lastSummary: () => lastSummary,
    async stop() {
      stopping.abort();
      clearTimeout(startTimer);
      clearInterval(heartbeat);
      startDecided();
      stopWatchingTunnel?.();
      await running;
      await starting;
      // A clean stop: we were reachable until now, so the next start reads back only to here.
      if (isReachable()) await recordReachableAt(core, core.clock.now()).catch(() => undefined);
    },
  };
}
