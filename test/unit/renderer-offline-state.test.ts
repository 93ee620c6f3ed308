import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectivityMonitor, isOnline, type Connectivity } from "../../renderer/src/state/connectivity.ts";
import { discardDraft, draftKey, loadDraft, saveDraft, type Draft } from "../../renderer/src/state/drafts.ts";
import { memoryStore, type KeyValueStore } from "../../renderer/src/state/key-value-store.ts";
import { OfflineCache } from "../../renderer/src/state/offline-cache.ts";

describe("connectivity: the browser's word and the server's answers together", () => {
  afterEach(() => vi.useRealTimers());

  it("goes offline on a failed request, probes with growing pauses, and comes back when the server answers", async () => {
    vi.useFakeTimers();
    let serverUp = false;
    let probes = 0;
    const monitor = new ConnectivityMonitor(true, async () => {
      probes += 1;
      return serverUp;
    }, { firstMs: 1_000, maxMs: 4_000 });
    const seen: Connectivity[] = [];
    monitor.subscribe((state) => seen.push(state));

    monitor.report(false);
    expect(isOnline(monitor.snapshot())).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probes).toBe(1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(probes).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probes).toBe(2);
    serverUp = true;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(isOnline(monitor.snapshot())).toBe(true);
    const probesWhenBack = probes;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes).toBe(probesWhenBack);
    expect(seen.map(isOnline)).toEqual([false, true]);
    monitor.stop();
  });

  it("asks the server at once when the browser comes back online", async () => {
    let probes = 0;
    const monitor = new ConnectivityMonitor(true, async () => (probes += 1) > 0);
    monitor.browserChanged(false);
    monitor.report(false);
    expect(isOnline(monitor.snapshot())).toBe(false);
    monitor.browserChanged(true);
    await vi.waitFor(() => expect(isOnline(monitor.snapshot())).toBe(true));
    expect(probes).toBe(1);
    monitor.stop();
  });
});

describe("the offline cache", () => {
  it("keeps the most recently written entries within its bound", () => {
    const store = memoryStore();
    const cache = new OfflineCache(store, "1", 3);
    for (const name of ["a", "b", "c", "d"]) cache.put(name, { name });
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("d")).toEqual({ name: "d" });
    cache.put("b", { name: "b2" });
    cache.put("e", { name: "e" });
    expect(cache.get("b")).toEqual({ name: "b2" });
    expect(cache.get("c")).toBeUndefined();
  });

  it("gives up old entries rather than the new one when the store is full, and forgets everything on sign-out", () => {
    const inner = memoryStore();
    // A store with room for five items (the index counts as one).
    const store: KeyValueStore = {
      getItem: (key) => inner.getItem(key),
      removeItem: (key) => inner.removeItem(key),
      setItem: (key, value) => {
        if (inner.getItem(key) === null && inner.size >= 5) throw new DOMException("full", "QuotaExceededError");
        inner.setItem(key, value);
      },
    };
    const cache = new OfflineCache(store, "1", 50);
    for (const name of ["a", "b", "c", "d", "e", "f"]) cache.put(name, name);
    expect(cache.get("f")).toBe("f");
    expect(cache.get("a")).toBeUndefined();
    cache.clear();
    expect(inner.keys()).toEqual([]);
  });
});

describe("drafts", () => {
  const draft = (text: string): Draft => ({
    text,
    spoilerText: "",
    hasSpoiler: false,
    visibility: "public",
    language: "en",
    sensitive: false,
    poll: null,
    media: [],
    savedAt: "2026-03-01T00:00:00.000Z",
  });

  it("keeps one per compose box, survives a reload, and removes blank ones", () => {
    const store = memoryStore();
    const fresh = draftKey("1", {});
    const reply = draftKey("1", { replyTo: "99" });
    expect(fresh).not.toBe(reply);
    expect(draftKey("1", { editing: "99" })).not.toBe(reply);
    saveDraft(store, fresh, draft("half a thought"));
    saveDraft(store, reply, draft("@bob agreed"));
    expect(loadDraft(store, fresh)?.text).toBe("half a thought");
    saveDraft(store, reply, draft("   "));
    expect(loadDraft(store, reply)).toBeUndefined();
    discardDraft(store, fresh);
    expect(store.size).toBe(0);
  });
});
