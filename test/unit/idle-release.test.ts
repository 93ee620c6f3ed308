import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectAllGarbage } from "../../server/memory/garbage-collection.ts";
import { releaseIdleMemory, startIdleRelease } from "../../server/memory/idle-release.ts";
import { isGlibc } from "../../server/memory/malloc-trim.ts";

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

/** This process's anonymous resident memory (its heaps: V8's and malloc's), in bytes. */
function anonymousResidentBytes(): number {
  return Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
}

describe("releaseIdleMemory", () => {
  /**
   * 64 MiB of Buffers of 16 KiB (malloc'd, below its mmap threshold), one in 64 kept: what is freed lies between
   * blocks still in use, which free() never gives back to the system, as after a busy spell.
   */
  function fragmentMalloc(): Buffer[] {
    const blocks = Array.from({ length: 4_096 }, () => Buffer.allocUnsafeSlow(16 * 1024).fill(1));
    return blocks.filter((_, i) => i % 64 === 63);
  }

  it.runIf(isGlibc())("gives back the free pages glibc's malloc holds between blocks in use, which a release without the trim keeps", async () => {
    // From a trimmed start, so no free pages of earlier work are reused by the Buffers.
    await releaseIdleMemory([], { trimMalloc: true });
    const before = anonymousResidentBytes();
    const kept = fragmentMalloc();
    // Without the trim (a start's release), the collection frees the Buffers but malloc keeps their pages.
    await releaseIdleMemory([]);
    const held = anonymousResidentBytes();
    expect(held - before).toBeGreaterThan(32 * 2 ** 20);
    await releaseIdleMemory([], { trimMalloc: true });
    expect(held - anonymousResidentBytes()).toBeGreaterThan(32 * 2 ** 20);
    // What is still in use is untouched.
    expect(kept).toHaveLength(64);
    expect(kept.every((block) => block.length === 16 * 1024 && block[0] === 1 && block.at(-1) === 1)).toBe(true);
  });
});
