import { describe, expect, it } from "vitest";
import type { Account, Notification, Status } from "../../renderer/src/api/entities.ts";
import { memoryStore } from "../../renderer/src/state/key-value-store.ts";
import { OfflineCache } from "../../renderer/src/state/offline-cache.ts";
import { searchStatusesLocally, statusesIn } from "../../renderer/src/state/offline-search.ts";

const account = { id: "1", acct: "alice", username: "alice" } as Account;

function status(id: string, createdAt: string, content: string, extra: Partial<Status> = {}): Status {
  return { id, created_at: createdAt, content, spoiler_text: "", account, reblog: null, ...extra } as Status;
}

// The browser's DOMParser does this in the client; here, tags and two entities are enough.
const toText = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<");
const ids = (list: readonly Status[]) => list.map((item) => item.id);

describe("searching the posts kept for offline reading", () => {
  const sea = status("10", "2026-01-01T10:00:00.000Z", "<p>Which <b>train</b> goes to the Sea?</p>");
  const sandwiches = status("11", "2026-01-02T10:00:00.000Z", "<p>Packing sandwiches for the seaside</p>");
  const warned = status("12", "2026-01-03T10:00:00.000Z", "<p>nothing to see</p>", { spoiler_text: "Sea spoilers" });
  const markup = status("13", "2026-01-04T10:00:00.000Z", '<p><a href="https://sea.example/">a link</a> R&amp;D</p>');

  it("finds a substring of the text or the content warning, whatever its case, newest first", () => {
    const all = [sea, sandwiches, warned, markup];
    expect(ids(searchStatusesLocally(all, "SEA", toText))).toEqual(["12", "11", "10"]);
    expect(ids(searchStatusesLocally(all, "  train goes ", toText))).toEqual(["10"]);
    expect(ids(searchStatusesLocally(all, "r&d", toText))).toEqual(["13"]);
  });

  it("matches the text people read, not the markup around it, and nothing for an empty query", () => {
    const all = [sea, sandwiches, warned, markup];
    expect(searchStatusesLocally(all, "href", toText)).toEqual([]);
    expect(searchStatusesLocally(all, "b>train", toText)).toEqual([]);
    expect(searchStatusesLocally(all, "   ", toText)).toEqual([]);
  });

  it("gathers statuses from every kind of cached entry once, a boost as the status it boosts", () => {
    const cache = new OfflineCache(memoryStore(), "1");
    const boost = status("20", "2026-01-05T10:00:00.000Z", "", { reblog: sandwiches });
    cache.put("home", [sea, boost]);
    cache.put("thread:10", { status: sea, context: { ancestors: [], descendants: [warned] } });
    cache.put("notifications", [{ id: "n1", type: "favourite", account, status: markup } as Notification]);
    cache.put("account:alice", account);
    const found = statusesIn(cache.values());
    expect(ids(found).sort()).toEqual(["10", "11", "12", "13"]);
    expect(ids(searchStatusesLocally(found, "sea", toText))).toEqual(["12", "11", "10"]);
  });
});
