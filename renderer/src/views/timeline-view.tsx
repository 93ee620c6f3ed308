import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { PageQuery } from "../api/link-header.ts";
import { timelinePage, type TimelineKind } from "../api/mastodon.ts";
import { connectStreaming, streamingUrl, type StreamEvent } from "../api/streaming.ts";
import { useApp } from "../app-context.ts";
import { StatusFeed } from "../components/status-feed.tsx";
import { newestId } from "../state/timeline-state.ts";
import { useStatusFeed } from "../state/use-status-feed.ts";

// Without a stream, new posts are asked for this often (only while the page is visible).
const POLL_MS = 30_000;

function cacheName(timeline: TimelineKind): string {
  if (timeline.kind === "tag") return `timeline:tag:${timeline.tag.toLowerCase()}`;
  if (timeline.kind === "list") return `timeline:list:${timeline.id}`;
  return `timeline:${timeline.kind}`;
}

function streamFor(timeline: TimelineKind) {
  switch (timeline.kind) {
    case "home":
      return undefined; // the user stream, opened once for the whole app
    case "local":
      return { stream: "public:local" as const };
    case "federated":
      return { stream: "public" as const };
    case "tag":
      return { stream: "hashtag" as const, tag: timeline.tag };
    case "list":
      return { stream: "list" as const, list: timeline.id };
  }
}

export function TimelineView({
  timeline: given,
  title,
  description,
  children,
}: {
  timeline: TimelineKind;
  title: string;
  description?: string;
  /** More of the header (a list's members, say). */
  children?: ReactNode;
}) {
  // The parent builds a new object each render; the timeline is the same as long as its key is.
  const key = given.kind === "tag" ? `tag:${given.tag}` : given.kind === "list" ? `list:${given.id}` : given.kind;
  const timeline = useMemo(() => given, [key]);
  const { api, isOnline, isStreaming, onStreamEvent, session } = useTimelineApp();
  const load = useCallback((query: PageQuery, signal?: AbortSignal) => timelinePage(api, timeline, query, signal), [api, timeline]);
  const feed = useStatusFeed(cacheName(timeline), load, { acceptsOwnPosts: timeline.kind === "home" });
  const { state, dispatch } = feed;
  const heading = useRef<HTMLHeadingElement>(null);

  const onEvent = useCallback(
    (event: StreamEvent) => {
      if (event.event === "update") dispatch({ type: "arrived", statuses: [event.status] });
      else if (event.event === "status.update") dispatch({ type: "updated", status: event.status });
      else if (event.event === "delete") dispatch({ type: "deleted", id: event.id });
    },
    [dispatch],
  );

  // Home follows the user stream; the others open their own.
  useEffect(() => {
    if (timeline.kind !== "home") return;
    return onStreamEvent((event) => {
      if (event.stream.length === 0 || event.stream.includes("user")) onEvent(event);
    });
  }, [timeline.kind, onStreamEvent, onEvent]);
  const [isOwnStreamOpen, setOwnStreamOpen] = useState(false);
  useEffect(() => {
    const subscription = streamFor(timeline);
    if (!subscription) return;
    const connection = connectStreaming({ url: streamingUrl(location), token: session, subscription, onEvent, onOpenChange: setOwnStreamOpen });
    return () => connection.close();
  }, [timeline, session, onEvent]);

  // No stream (not offered, or down): ask for what is newer than the newest post held, now and then.
  const newest = newestId(state);
  const streaming = timeline.kind === "home" ? isStreaming : isOwnStreamOpen;
  useEffect(() => {
    if (!isOnline || streaming || !newest) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== "visible") return;
      void timelinePage(api, timeline, { min_id: newest })
        .then((page) => page.items.length > 0 && dispatch({ type: "arrived", statuses: page.items }))
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [api, timeline, newest, isOnline, streaming, dispatch]);

  const showPending = () => {
    dispatch({ type: "show-pending" });
    window.scrollTo({ top: 0 });
    heading.current?.focus();
  };

  return (
    <section className="column" aria-labelledby="timeline-title">
      <header className="column-header">
        <h1 id="timeline-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {description && <p className="muted">{description}</p>}
        {state.isStale && <p className="muted small">Saved posts; newer ones appear when Hearth can be reached.</p>}
        {children}
      </header>
      {state.pending.length > 0 && (
        <button type="button" className="new-posts primary" onClick={showPending}>
          {state.pending.length === 1 ? "1 new post" : `${state.pending.length} new posts`}
        </button>
      )}
      <StatusFeed feed={feed} label={`${title} timeline`} emptyText={emptyText(timeline)} />
    </section>
  );
}

function emptyText(timeline: TimelineKind): string {
  switch (timeline.kind) {
    case "home":
      return "Nothing here yet. Follow people (search for their handle, like @someone@mastodon.social) and their posts will show up here.";
    case "local":
      return "Nobody on this server has posted in public yet.";
    case "federated":
      return "No public posts from other servers yet. They arrive once you follow people elsewhere.";
    case "tag":
      return `No posts with #${timeline.tag} yet.`;
    case "list":
      return "No posts from the people on this list yet.";
  }
}

/** The app context plus the token, which the per-timeline socket needs. */
function useTimelineApp() {
  const app = useApp();
  return { ...app, session: app.api.token ?? "" };
}

