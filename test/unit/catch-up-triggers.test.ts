import { InProcessMessageQueue, MemoryKvStore } from "@fedify/fedify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLastReachableAt, recordReachableAt } from "../../server/core/peers/catch-up-state.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { startCatchUp, type CatchUp, type CatchUpTiming, type SleepClocks } from "../../server/federation/catch-up.ts";
import { createHearthFederation } from "../../server/federation/federation.ts";
import type { TunnelState, TunnelStatus, TunnelStatusListener, TunnelWatch } from "../../server/tunnel/status.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** A named tunnel whose state the test sets, as the tunnel manager reports it. */
function tunnelStandIn(state: TunnelState): TunnelWatch & { set(state: TunnelState): void } {
  const listeners = new Set<TunnelStatusListener>();
  let status: TunnelStatus = {
    mode: "named",
    state,
    publicUrl: null,
    isTryOut: false,
    connections: 0,
    reason: null,
    retryAt: null,
    restarts: 0,
    downloadedBytes: null,
    cloudflaredVersion: null,
    since: new Date().toISOString(),
  };
  return {
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      status = { ...status, state: next, since: new Date().toISOString() };
      for (const listener of listeners) listener(status);
    },
  };
}

/** Keeps the event loop busy, as a computer asleep (or a frozen process) keeps timers from firing. */
function freeze(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy on purpose.
  }
}

describe("when catching up starts", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let database: OpenedDatabase;
  let core: CoreContext;
  let catchUp: CatchUp | undefined;
  /** The instance's clock runs with the real one, moved on by hand to stand for time spent away. */
  let offsetMs = 0;
  const passes = (ms: number) => {
    offsetMs += ms;
  };

  beforeEach(async () => {
    dir = makeTempDir("catch-up");
    database = await openDataDirectoryDatabase(dir.path);
    offsetMs = 0;
    core = createCoreContext(database.db, { now: () => new Date(Date.now() + offsetMs) });
  });
  afterEach(async () => {
    await catchUp?.stop();
    catchUp = undefined;
    await database.close();
    dir.remove();
  });

  function start(timing: Partial<CatchUpTiming>, tunnel?: TunnelWatch, clocks?: SleepClocks): CatchUp {
    const federation = createHearthFederation({
      kv: new MemoryKvStore(),
      queue: new InProcessMessageQueue(),
      origin: "http://127.0.0.1:9",
      allowPrivateNetwork: true,
      core,
    });
    catchUp = startCatchUp({ federation, core, origin: () => "http://127.0.0.1:9", tunnel, timing: { startDelayMs: 0, perHostIntervalMs: 0, ...timing }, clocks });
    return catchUp;
  }

  it("does nothing at the first start of a new instance, which missed nothing", async () => {
    const running = start({ minAwayMs: 0 });
    await running.whenIdle();
    expect(running.lastSummary()).toBeUndefined();
    expect(await readLastReachableAt(core)).not.toBeNull();
  });

  it("reads back to when the instance was last reachable, paging back when it was away long", async () => {
    const wentAway = new Date(Date.now() - 10 * 60_000);
    await recordReachableAt(core, wentAway);
    const running = start({ deepReadAfterMs: 5 * 60_000, maxItemsPerAccount: 200 });
    await running.whenIdle();
    expect(running.lastSummary()).toMatchObject({ reason: "start", since: wentAway.toISOString(), pagesPerAccount: 20 });
  });

  it("catches up after a short absence too (a peer may have dropped what found the port closed), one page per account", async () => {
    const wentAway = new Date(Date.now() - 15_000);
    await recordReachableAt(core, wentAway);
    const running = start({});
    await running.whenIdle();
    expect(running.lastSummary()).toMatchObject({ reason: "start", since: wentAway.toISOString(), pagesPerAccount: 1 });
  });

  it("notices a short sleep: wall-clock time that the monotonic clock did not see", async () => {
    let wall = Date.now();
    let monotonic = 0;
    const running = start({ wakeCheckMs: 20, heartbeatMs: 20 }, undefined, { wall: () => wall, monotonic: () => monotonic });
    await running.whenIdle();
    const beforeSleep = await waitFor(() => readLastReachableAt(core).then((at) => at ?? undefined), { what: "a heartbeat" });
    // Twenty seconds asleep: the wall clock moves on, the monotonic clock does not; then both run again.
    wall += 20_000;
    passes(20_000);
    const awake = setInterval(() => {
      wall += 20;
      monotonic += 20;
    }, 20);
    try {
      const summary = await waitFor(() => running.lastSummary(), { what: "a catch-up after waking" });
      expect(summary).toMatchObject({ reason: "woke", pagesPerAccount: 1 });
      expect(Date.parse(summary.since)).toBeGreaterThanOrEqual(beforeSleep.getTime());
    } finally {
      clearInterval(awake);
    }
  });

  it("does not catch up while awake: both clocks run on together, each check on time", async () => {
    let wall = Date.now();
    let monotonic = 0;
    const running = start({ wakeCheckMs: 20, heartbeatMs: 20 }, undefined, { wall: () => wall, monotonic: () => monotonic });
    await running.whenIdle();
    let ticks = 0;
    const awake = setInterval(() => {
      wall += 20;
      monotonic += 20;
      ticks++;
    }, 20);
    try {
      await waitFor(() => ticks >= 25, { what: "the clocks to run a while" });
    } finally {
      clearInterval(awake);
    }
    expect(running.lastSummary()).toBeUndefined();
  });

  it("notices that the computer slept: a check far later than due", async () => {
    const running = start({ wakeCheckMs: 40, heartbeatMs: 40, sleepGapMs: 300 });
    await running.whenIdle();
    const beforeSleep = await waitFor(() => readLastReachableAt(core).then((at) => at ?? undefined), { what: "a heartbeat" });
    freeze(600);
    const summary = await waitFor(() => running.lastSummary(), { what: "a catch-up after waking" });
    expect(summary.reason).toBe("woke");
    expect(Date.parse(summary.since)).toBeGreaterThanOrEqual(beforeSleep.getTime());
    expect(Date.parse(summary.since)).toBeLessThan(Date.now() - 500);
  });

  it("catches up when the tunnel is back after a while down, from when it went down", async () => {
    const tunnel = tunnelStandIn("starting");
    const running = start({ minAwayMs: 5 * 60_000 }, tunnel);
    await running.whenIdle();
    // Its first connection at start is covered by the catch-up at start.
    tunnel.set("connected");
    tunnel.set("reconnecting");
    const wentDown = await waitFor(() => readLastReachableAt(core).then((at) => at ?? undefined), { what: "the time the tunnel went down" });
    passes(10 * 60_000);
    tunnel.set("connected");
    const summary = await waitFor(() => running.lastSummary(), { what: "a catch-up once the tunnel is back" });
    expect(summary).toMatchObject({ reason: "tunnel", since: wentDown?.toISOString() });
  });

  it("does not catch up after a tunnel blip shorter than the peers' retries", async () => {
    const tunnel = tunnelStandIn("connected");
    const running = start({ minAwayMs: 5 * 60_000 }, tunnel);
    await running.whenIdle();
    tunnel.set("reconnecting");
    passes(30_000);
    tunnel.set("connected");
    await running.whenIdle();
    expect(running.lastSummary()).toBeUndefined();
  });
});
