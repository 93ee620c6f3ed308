import { afterEach, describe, expect, it, vi } from "vitest";
import { RecentResponseStore } from "../../server/api/recent-responses.ts";

const LIMITS = { reuseForMs: 1_000, mostEntries: 3, mostBytes: 1_000 };

function answer(bytes: number, storedAt: number, generation = "g1") {
  return { generation, storedAt, body: new Uint8Array(bytes), headers: { "content-type": "application/json" } };
}

describe("the recent answers kept for reuse are bounded and let go", () => {
  let now = 0;
  afterEach(() => {
    vi.useRealTimers();
    now = 0;
  });

  it("reuses an answer while it is young and nothing was written (the control)", () => {
    const store = new RecentResponseStore(() => now, LIMITS);
    store.store("a", answer(10, now));
    expect(store.reusable("a", "g1")?.body.byteLength).toBe(10);
    expect(store.reusable("a", "g2")).toBeUndefined();
    now = 999;
    expect(store.reusable("a", "g1")).toBeDefined();
    now = 1_000;
    expect(store.reusable("a", "g1")).toBeUndefined();
  });

  it("drops the oldest answers past the count bound", () => {
    const store = new RecentResponseStore(() => now, LIMITS);
    for (const key of ["a", "b", "c", "d"]) store.store(key, answer(10, now));
    expect(store.size).toBe(3);
    expect(store.reusable("a", "g1")).toBeUndefined();
    expect(store.reusable("d", "g1")).toBeDefined();
  });

  it("drops the oldest answers past the bound on their bytes together, and keeps the count of bytes right", () => {
    const store = new RecentResponseStore(() => now, LIMITS);
    store.store("a", answer(400, now));
    store.store("b", answer(400, now));
    store.store("c", answer(400, now));
    expect(store.reusable("a", "g1")).toBeUndefined();
    expect(store.reusable("b", "g1")).toBeDefined();
    expect(store.bytes).toBe(800);
    // Stored anew under the same key, an answer replaces the old one and its bytes.
    store.store("b", answer(100, now));
    expect(store.bytes).toBe(500);
    // One answer larger than the whole bound is never kept.
    store.store("huge", answer(1_001, now));
    expect(store.reusable("huge", "g1")).toBeUndefined();
    expect(store.bytes).toBe(500);
  });

  it("lets every answer go once it is too old to reuse, when requests stop", () => {
    vi.useFakeTimers();
    const store = new RecentResponseStore(() => now, LIMITS);
    store.store("a", answer(10, now));
    now = 500;
    store.store("b", answer(10, now));
    expect(store.size).toBe(2);
    now = 1_000;
    vi.advanceTimersByTime(1_000);
    expect(store.size).toBe(1);
    now = 1_500;
    vi.advanceTimersByTime(1_000);
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
