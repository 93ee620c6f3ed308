import { useEffect, useRef, useState } from "react";
import type { Status, StatusContext } from "../api/entities.ts";
import { NetworkError } from "../api/http.ts";
import { getStatus, getStatusContext } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { StatusCard } from "../components/status-card.tsx";
import { onStatusEvent } from "../state/local-events.ts";

interface Thread {
  status: Status;
  context: StatusContext;
}

function replace(list: Status[], status: Status): Status[] {
  return list.map((item) => (item.id === status.id ? status : item));
}

/** A post with the thread around it: what it answers above, the replies below. Kept for reading offline. */
export function StatusView({ id }: { id: string }) {
  const { api, cache, onStreamEvent } = useApp();
  const cacheName = `thread:${id}`;
  const [thread, setThread] = useState<Thread | undefined>(() => cache.get<Thread>(cacheName));
  const [error, setError] = useState<string>();
  const [isStale, setStale] = useState(thread !== undefined);
  const focused = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let isCurrent = true;
    Promise.all([getStatus(api, id), getStatusContext(api, id)])
      .then(([status, context]) => {
        if (!isCurrent) return;
        setThread({ status, context });
        setStale(false);
        cache.put(cacheName, { status, context });
      })
      .catch((caught: unknown) => {
        if (isCurrent && !(caught instanceof NetworkError)) setError((caught as Error).message);
      });
    return () => {
      isCurrent = false;
    };
  }, [api, cache, cacheName, id]);

  // The post in focus is where the reader's attention goes, even with a long thread above it.
  const hasThread = thread !== undefined;
  useEffect(() => {
    if (hasThread) focused.current?.querySelector<HTMLElement>("article")?.focus({ preventScroll: false });
  }, [hasThread]);

  useEffect(() => {
    const apply = (status: Status) =>
      setThread((current) =>
        current && {
          status: current.status.id === status.id ? status : current.status,
          context: { ancestors: replace(current.context.ancestors, status), descendants: replace(current.context.descendants, status) },
        },
      );
    const offLocal = onStatusEvent((event) => {
      if (event.type === "updated") apply(event.status);
      else if (event.type === "deleted")
        setThread((current) => current && { ...current, context: { ancestors: current.context.ancestors.filter((s) => s.id !== event.id), descendants: current.context.descendants.filter((s) => s.id !== event.id) } });
      else if (event.type === "posted" && event.status.in_reply_to_id !== null)
        setThread((current) => {
          if (!current) return current;
          const inThread = new Set([current.status.id, ...current.context.descendants.map((s) => s.id)]);
          return inThread.has(event.status.in_reply_to_id ?? "") ? { ...current, context: { ...current.context, descendants: [...current.context.descendants, event.status] } } : current;
        });
    });
    // Replies from others arrive on the user stream when they mention the reader.
    const offStream = onStreamEvent((event) => {
      if (event.event === "status.update") apply(event.status);
    });
    return () => {
      offLocal();
      offStream();
    };
  }, [onStreamEvent]);

  if (error && !thread) {
    return (
      <section className="column">
        <h1>Post</h1>
        <p role="alert">{error}</p>
      </section>
    );
  }
  if (!thread) {
    return (
      <section className="column" aria-busy="true">
        <h1>Post</h1>
        <span className="spinner" role="progressbar" aria-label="Loading the post" />
      </section>
    );
  }
  const { status, context } = thread;
  return (
    <section className="column thread" aria-labelledby="thread-title">
      <header className="column-header">
        <h1 id="thread-title">Post by {status.account.display_name || status.account.username}</h1>
        {isStale && <p className="muted small">Saved copy; it may have changed since.</p>}
      </header>
      <div className="feed">
        {context.ancestors.map((item) => (
          <StatusCard key={item.id} status={item} />
        ))}
        <div ref={focused} className="thread-focus">
          <StatusCard status={status} isFocused />
        </div>
        {context.descendants.map((item) => (
          <StatusCard key={item.id} status={item} />
        ))}
      </div>
    </section>
  );
}
