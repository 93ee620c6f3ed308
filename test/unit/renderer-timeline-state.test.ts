import { describe, expect, it } from "vitest";
import type { Status } from "../../renderer/src/api/entities.ts";
import { compareIdsDescending, EMPTY_TIMELINE, newestId, timelineReducer, type TimelineState } from "../../renderer/src/state/timeline-state.ts";

function status(id: string, extra: Partial<Status> = {}): Status {
  return { id, content: `<p>post ${id}</p>`, reblog: null, favourited: false, favourites_count: 0, ...extra } as Status;
}
const ids = (list: Status[]) => list.map((item) => item.id);

describe("a timeline's state as the reader sees it", () => {
  const loaded = timelineReducer(EMPTY_TIMELINE, { type: "loaded", statuses: [status("103"), status("101"), status("102")], older: { max_id: "101" } });

  it("orders by id, newest first, even across digit counts", () => {
    expect(ids(loaded.statuses)).toEqual(["103", "102", "101"]);
    expect(["99", "100", "1000", "999"].sort(compareIdsDescending)).toEqual(["1000", "999", "100", "99"]);
  });

  it("keeps arriving posts behind the new-posts button until asked, without duplicates", () => {
    let state = timelineReducer(loaded, { type: "arrived", statuses: [status("104")] });
    state = timelineReducer(state, { type: "arrived", statuses: [status("105"), status("104")] });
    expect(ids(state.statuses)).toEqual(["103", "102", "101"]);
    expect(ids(state.pending)).toEqual(["105", "104"]);
    expect(newestId(state)).toBe("105");
    state = timelineReducer(state, { type: "show-pending" });
    expect(ids(state.statuses)).toEqual(["105", "104", "103", "102", "101"]);
    expect(state.pending).toEqual([]);
  });

  it("updates a shown post in place when it arrives again (an edit), instead of announcing it as new", () => {
    const edited = { ...status("102"), content: "<p>edited</p>" };
    const state = timelineReducer(loaded, { type: "arrived", statuses: [edited] });
    expect(state.pending).toEqual([]);
    expect(state.statuses.find((item) => item.id === "102")?.content).toBe("<p>edited</p>");
  });

  it("appends older pages and records where the next one starts", () => {
    const state = timelineReducer(loaded, { type: "loaded-older", statuses: [status("100"), status("101")], older: null });
    expect(ids(state.statuses)).toEqual(["103", "102", "101", "100"]);
    expect(state.older).toBeNull();
  });

  it("applies a change to a boosted post inside its boost too", () => {
    const boost = { ...status("110"), reblog: status("50") };
    let state: TimelineState = timelineReducer(loaded, { type: "arrived", statuses: [boost] });
    state = timelineReducer(state, { type: "show-pending" });
    state = timelineReducer(state, { type: "updated", status: { ...status("50"), favourited: true, favourites_count: 1 } });
    expect(state.statuses[0]?.reblog).toMatchObject({ id: "50", favourited: true, favourites_count: 1 });
  });

  it("removes a deleted post and every boost of it, shown or pending", () => {
    let state = timelineReducer(loaded, { type: "arrived", statuses: [{ ...status("120"), reblog: status("102") }] });
    state = timelineReducer(state, { type: "deleted", id: "102" });
    expect(ids(state.statuses)).toEqual(["103", "101"]);
    expect(state.pending).toEqual([]);
  });

  it("shows the cache only until the server answers, and marks it as such", () => {
    const cached = timelineReducer(EMPTY_TIMELINE, { type: "cached", statuses: [status("90")] });
    expect(cached.isStale).toBe(true);
    const fresh = timelineReducer(cached, { type: "loaded", statuses: [status("91")], older: null });
    expect(fresh).toMatchObject({ isStale: false });
    expect(ids(fresh.statuses)).toEqual(["91"]);
    // A cache read after the server answered never replaces the answer.
    expect(timelineReducer(fresh, { type: "cached", statuses: [status("1")] })).toBe(fresh);
  });
});
