import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { Status } from "../api/entities.ts";
import { NetworkError, type Page } from "../api/http.ts";
import type { PageQuery } from "../api/link-header.ts";
import { useApp } from "../app-context.ts";
import { ActionsDuringLoad } from "./actions-during-load.ts";
import { onStatusEvent } from "./local-events.ts";
import { EMPTY_TIMELINE, timelineReducer, type TimelineAction, type TimelineState } from "./timeline-state.ts";

const CACHED_STATUSES = 40;

export interface StatusFeed {
  state: TimelineState;
  dispatch(action: TimelineAction): void;
  isLoading: boolean;
  error: string | undefined;
  loadOlder(): Promise<void>;
  reload(): Promise<void>;
}

/**
 * A paged list of statuses that opens from the offline cache, then asks the server, pages backwards on
 * demand, and follows what this tab does to its posts. Which new posts arrive, and how, is the caller's.
 */
export function useStatusFeed(
  cacheName: string | undefined,
  loadPage: (query: PageQuery, signal?: AbortSignal) => Promise<Page<Status>>,
  options: { acceptsOwnPosts?: boolean } = {},
): StatusFeed {
  const { cache, isOnline } = useApp();
  const [state, dispatchNow] = useReducer(timelineReducer, EMPTY_TIMELINE, (initial) => {
    const cached = cacheName ? cache.get<Status[]>(cacheName) : undefined;
    return cached ? timelineReducer(initial, { type: "cached", statuses: cached }) : initial;
  });
  const duringLoad = useRef(new ActionsDuringLoad());
  const dispatch = useCallback((action: TimelineAction) => {
    duringLoad.current.record(action);
    dispatchNow(action);
  }, []);
  const [isLoading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const loader = useRef(loadPage);
  loader.current = loadPage;
  const olderLoading = useRef(false);

  const reload = useCallback(async (signal?: AbortSignal) => {
    setLoading(true);
    const meanwhile = duringLoad.current.begin();
    try {
      const page = await loader.current({}, signal);
      dispatchNow({ type: "loaded", statuses: page.items, older: page.items.length > 0 ? page.next : null });
      for (const action of meanwhile.finish()) dispatchNow(action);
      setError(undefined);
    } catch (caught) {
      if ((caught as Error).name === "AbortError") return;
      setError(caught instanceof NetworkError ? undefined : (caught as Error).message);
    } finally {
      meanwhile.finish();
      if (!signal?.aborted) setLoading(false);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  // Back online with only cached posts on screen: ask again.
  const wasOnline = useRef(isOnline);
  useEffect(() => {
    if (isOnline && !wasOnline.current) void reload();
    wasOnline.current = isOnline;
  }, [isOnline, reload]);

  useEffect(() => {
    if (cacheName && !state.isStale && state.statuses.length > 0) cache.put(cacheName, state.statuses.slice(0, CACHED_STATUSES));
  }, [cache, cacheName, state.statuses, state.isStale]);

  const acceptsOwnPosts = options.acceptsOwnPosts ?? false;
  useEffect(
    () =>
      onStatusEvent((event) => {
        if (event.type === "deleted") dispatch({ type: "deleted", id: event.id });
        else if (event.type === "updated") dispatch({ type: "updated", status: event.status });
        else if (acceptsOwnPosts) {
          // What the reader just wrote goes straight in, not behind the "new posts" button.
          dispatch({ type: "arrived", statuses: [event.status] });
          dispatch({ type: "show-pending" });
        }
      }),
    [acceptsOwnPosts],
  );

  const loadOlder = useCallback(async () => {
    if (!state.older || olderLoading.current) return;
    olderLoading.current = true;
    setLoading(true);
    try {
      const page = await loader.current(state.older);
      dispatch({ type: "loaded-older", statuses: page.items, older: page.items.length > 0 ? page.next : null });
    } catch (caught) {
      if (!(caught instanceof NetworkError)) setError((caught as Error).message);
    } finally {
      olderLoading.current = false;
      setLoading(false);
    }
  }, [state.older]);

  return { state, dispatch, isLoading, error, loadOlder, reload: () => reload() };
}
