import type { Status } from "../api/entities.ts";
import type { PageQuery } from "../api/link-header.ts";

/**
 * A timeline as the reader sees it. New posts that arrive while reading wait in `pending` behind a
 * "new posts" button instead of pushing what is being read down the page.
 */
export interface TimelineState {
  statuses: Status[];
  pending: Status[];
  /** The query for older posts; null once the end is reached. */
  older: PageQuery | null;
  /** Shown from the cache, not yet confirmed by the server. */
  isStale: boolean;
}

export type TimelineAction =
  | { type: "cached"; statuses: Status[] }
  | { type: "loaded"; statuses: Status[]; older: PageQuery | null }
  | { type: "loaded-older"; statuses: Status[]; older: PageQuery | null }
  | { type: "arrived"; statuses: Status[] }
  | { type: "show-pending" }
  | { type: "updated"; status: Status }
  | { type: "deleted"; id: string };

export const EMPTY_TIMELINE: TimelineState = { statuses: [], pending: [], older: null, isStale: false };

/** Ids are time-sortable numeric strings: longer is newer, then compare as text. */
export function compareIdsDescending(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}

function withoutIds(list: Status[], ids: Set<string>): Status[] {
  return list.filter((status) => !ids.has(status.id));
}

/** Newest first, each id once: the first copy of an id (the newest information) wins. */
function merge(...lists: Status[][]): Status[] {
  const seen = new Set<string>();
  const merged: Status[] = [];
  for (const status of lists.flat()) {
    if (seen.has(status.id)) continue;
    seen.add(status.id);
    merged.push(status);
  }
  return merged.sort((a, b) => compareIdsDescending(a.id, b.id));
}

function replaceStatus(list: Status[], status: Status): Status[] {
  return list.map((item) => {
    if (item.id === status.id) return status;
    if (item.reblog?.id === status.id) return { ...item, reblog: status };
    return item;
  });
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case "cached":
      return state.statuses.length > 0 ? state : { ...state, statuses: action.statuses, isStale: true };
    case "loaded":
      return { statuses: merge(action.statuses), pending: [], older: action.older, isStale: false };
    case "loaded-older":
      return { ...state, statuses: merge(state.statuses, action.statuses), older: action.older };
    case "arrived": {
      const shown = new Set(state.statuses.map((status) => status.id));
      let statuses = state.statuses;
      const fresh: Status[] = [];
      for (const status of action.statuses) {
        if (shown.has(status.id)) statuses = replaceStatus(statuses, status);
        else fresh.push(status);
      }
      return { ...state, statuses, pending: merge(fresh, state.pending) };
    }
    case "show-pending":
      return state.pending.length === 0 ? state : { ...state, statuses: merge(state.pending, state.statuses), pending: [] };
    case "updated":
      return { ...state, statuses: replaceStatus(state.statuses, action.status), pending: replaceStatus(state.pending, action.status) };
    case "deleted": {
      // A deleted post takes its boosts with it.
      const gone = new Set([action.id]);
      for (const status of [...state.statuses, ...state.pending]) if (status.reblog?.id === action.id) gone.add(status.id);
      return { ...state, statuses: withoutIds(state.statuses, gone), pending: withoutIds(state.pending, gone) };
    }
  }
}

/** The newest id the reader has (shown or waiting), to ask the server for what came after it. */
export function newestId(state: TimelineState): string | undefined {
  return merge(state.pending, state.statuses)[0]?.id;
}
