import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectAllGarbage } from "../../server/memory/garbage-collection.ts";
import { startIdleRelease } from "../../server/memory/idle-release.ts";

describe("an idle server gives memory back once per quiet spell", () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  const pass = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  it("releases after the quiet time that follows start and each busy spell, never while requests keep coming", () => {
    const release = vi.fn();
    const idle = startIdleRelease(release, { idleAfterMs: 1_000, now: () => now });
    pass(999);
    expect(release).not.toHaveBeenCalled();
    pass(1);
    expect(release).toHaveBeenCalledTimes(1);

    // Busy: a request every half second for ten seconds, and no release among them.
    for (let i = 0; i < 20; i += 1) {
      idle.noteActivity();
      pass(500);
    }
    expect(release).toHaveBeenCalledTimes(1);
    pass(500);
    expect(release).toHaveBeenCalledTimes(2);

    // Quiet for long: nothing more to give back until the next request.
    pass(60_000);
    expect(release).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
    idle.noteActivity();
    pass(1_000);
    expect(release).toHaveBeenCalledTimes(3);
    idle.stop();
  });

  it("does nothing once stopped", () => {
    const release = vi.fn();
    const idle = startIdleRelease(release, { idleAfterMs: 1_000, now: () => now });
    idle.noteActivity();
    idle.stop();
    pass(5_000);
    idle.noteActivity();
    pass(5_000);
    expect(release).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("collectAllGarbage", () => {
  it("gives back a heap grown with garbage", () => {
    const heapOf = () => process.memoryUsage().heapTotal;
    const holder: { garbage?: unknown[] } = { garbage: Array.from({ length: 200 }, (_, i) => Array.from({ length: 10_000 }, (_, j) => ({ i, j }))) };
    const grown = heapOf();
    expect(holder.garbage).toHaveLength(200);
    delete holder.garbage;
    collectAllGarbage();
    expect(heapOf()).toBeLessThan(grown);
  });
});
