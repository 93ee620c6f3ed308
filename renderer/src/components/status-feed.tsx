import { useEffect, useRef, type KeyboardEvent } from "react";
import type { StatusFeed as Feed } from "../state/use-status-feed.ts";
import { StatusCard } from "./status-card.tsx";

/**
 * A feed of posts (ARIA feed pattern): j and k move between posts, older posts load when the end comes into
 * view, and a button does the same for those who do not scroll.
 */
export function StatusFeed({ feed, label, emptyText }: { feed: Feed; label: string; emptyText: string }) {
  const { state, isLoading, error, loadOlder } = feed;
  const sentinel = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !state.older) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadOlder();
    }, { rootMargin: "600px" });
    observer.observe(target);
    return () => observer.disconnect();
  }, [state.older, loadOlder]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "j" && event.key !== "k") return;
    const target = event.target as HTMLElement;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const articles = [...(list.current?.querySelectorAll<HTMLElement>(":scope > article") ?? [])];
    const current = articles.findIndex((article) => article.contains(target));
    const next = articles[event.key === "j" ? current + 1 : Math.max(0, current - 1)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  return (
    <>
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      <div className="feed" role="feed" aria-label={label} aria-busy={isLoading} ref={list} onKeyDown={onKeyDown}>
        {state.statuses.map((status, index) => (
          <StatusCard key={status.id} status={status} position={index + 1} setSize={state.older ? -1 : state.statuses.length} />
        ))}
      </div>
      {!isLoading && state.statuses.length === 0 && <p className="empty">{emptyText}</p>}
      <div ref={sentinel} className="feed-end">
        {isLoading && <span className="spinner" role="progressbar" aria-label="Loading posts" />}
        {!isLoading && state.older && (
          <button type="button" onClick={() => void loadOlder()}>
            Load older posts
          </button>
        )}
      </div>
    </>
  );
}
