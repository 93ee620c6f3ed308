import { describe, expect, it } from "vitest";
import type { Status } from "../../renderer/src/api/entities.ts";
import { ActionsDuringLoad } from "../../renderer/src/state/actions-during-load.ts";
import { EMPTY_TIMELINE, timelineReducer, type TimelineAction, type TimelineState } from "../../renderer/src/state/timeline-state.ts";

function status(id: string, extra: Partial<Status> = {}): Status {
  return { id, content: `<p>post ${id}</p>`, reblog: null, favourited: false, favourites_count: 0, ...extra } as Status;
}
const ids = (list: Status[]) => list.map((item) => item.id);

/** The feed's order of events when the connection comes back: a reload asks for the page, then the outbox's post is shown, then the page lands. */
function reloadWithPostMeanwhile(replay: boolean, actionsMeanwhile: TimelineAction[], page: Status[]): TimelineState {
  const during = new ActionsDuringLoad();
  let state = timelineReducer(EMPTY_TIMELINE, { type: "cached", statuses: [status("101"), status("100")] });
  const load = during.begin();
  for (const action of actionsMeanwhile) {
    during.record(action);
    state = timelineReducer(state, action);
  }
  state = timelineReducer(state, { type: "loaded", statuses: page, older: null });
  const recorded = load.finish();
  return replay ? recorded.reduce(timelineReducer, state) : state;
}

describe("what happens to a timeline while its page is on the way", () => {
  const posted: TimelineAction[] = [{ type: "arrived", statuses: [status("105")] }, { type: "show-pending" }];
  const pageFromBefore = [status("102"), status("101"), status("100")];

  it("keeps a post shown while the reload was in flight, which the page (asked before it) does not hold", () => {
    // Without the replay the page replaces what was shown and the post is gone: the race the offline e2e test met.
    expect(ids(reloadWithPostMeanwhile(false, posted, pageFromBefore).statuses)).toEqual(["102", "101", "100"]);
    expect(ids(reloadWithPostMeanwhile(true, posted, pageFromBefore).statuses)).toEqual(["105", "102", "101", "100"]);
  });

  it("shows a page that already holds the post once, with the page's copy", () => {
    const page = [status("105", { content: "<p>from the server</p>" }), ...pageFromBefore];
    const state = reloadWithPostMeanwhile(true, posted, page);
    expect(ids(state.statuses)).toEqual(["105", "102", "101", "100"]);
    expect(state.pending).toEqual([]);
  });

  it("keeps a streamed post behind the new-posts button, and a deletion made meanwhile", () => {
    const meanwhile: TimelineAction[] = [{ type: "arrived", statuses: [status("106")] }, { type: "deleted", id: "101" }];
    const state = reloadWithPostMeanwhile(true, meanwhile, pageFromBefore);
    expect(ids(state.statuses)).toEqual(["102", "100"]);
    expect(ids(state.pending)).toEqual(["106"]);
  });

  it("records nothing once the page has landed, and nothing of loads", () => {
    const during = new ActionsDuringLoad();
    const first = during.begin();
    during.record({ type: "loaded", statuses: [status("1")], older: null });
    during.record({ type: "deleted", id: "1" });
    expect(first.finish()).toEqual([{ type: "deleted", id: "1" }]);
    during.record({ type: "deleted", id: "2" });
    expect(first.finish()).toEqual([{ type: "deleted", id: "1" }]);
    expect(during.begin().finish()).toEqual([]);
  });
});
