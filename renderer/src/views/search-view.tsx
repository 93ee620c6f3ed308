import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type { SearchResults, Status } from "../api/entities.ts";
import { NetworkError } from "../api/http.ts";
import { search } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { Avatar, DisplayName } from "../components/avatar.tsx";
import { FollowButton } from "../components/follow-button.tsx";
import { Link } from "../components/link.tsx";
import { StatusCard } from "../components/status-card.tsx";
import { navigate } from "../router.ts";
import { searchStatusesLocally, statusesIn } from "../state/offline-search.ts";
import { htmlToText } from "../text/sanitize-html.ts";

/** A handle on another server (@name@server.example), which the server looks up there. */
export function looksLikeHandle(query: string): boolean {
  return /^@?[\w.-]+@[\w.-]+\.[\w-]+(:\d+)?$/.test(query.trim()) || /^@?[\w.-]+@(localhost|[\d.]+)(:\d+)?$/.test(query.trim());
}

export function SearchView({ query }: { query: string }) {
  const { api, isOnline, cache } = useApp();
  const [text, setText] = useState(query);
  const [results, setResults] = useState<SearchResults>();
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // Offline, the posts this device kept stand in for the server's search.
  const cachedResults = useMemo<Status[] | undefined>(
    () => (!isOnline && query ? searchStatusesLocally(statusesIn(cache.values()), query, htmlToText) : undefined),
    [cache, isOnline, query],
  );

  useEffect(() => {
    if (!query) {
      input.current?.focus();
      return;
    }
    if (!isOnline) return;
    const controller = new AbortController();
    setBusy(true);
    setError(undefined);
    search(api, query, controller.signal)
      .then(setResults)
      .catch((caught: unknown) => {
        if ((caught as Error).name === "AbortError") return;
        setError(caught instanceof NetworkError ? "Search needs Hearth to be reachable." : (caught as Error).message);
      })
      .finally(() => setBusy(false));
    return () => controller.abort();
  }, [api, isOnline, query]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate({ name: "search", query: text.trim() });
  };

  // What the server found earlier stays out of sight offline: the cached results answer the query shown.
  const shown = cachedResults ? undefined : results;
  const isEmpty = shown && shown.accounts.length + shown.statuses.length + shown.hashtags.length === 0;
  return (
    <section className="column" aria-labelledby="search-title">
      <header className="column-header">
        <h1 id="search-title">Search</h1>
        <form role="search" onSubmit={submit} className="search-form">
          <input
            ref={input}
            type="search"
            aria-label="Search for people, hashtags and posts"
            placeholder="@someone@mastodon.social, #hashtag, or words"
            value={text}
            onChange={(event) => setText(event.target.value)}
            autoCapitalize="none"
            spellCheck={false}
          />
          <button type="submit" className="primary" disabled={text.trim() === ""}>
            Search
          </button>
        </form>
        <p className="muted small">To follow someone on another server, search for their full handle, like @someone@mastodon.social.</p>
      </header>
      <div aria-live="polite" aria-busy={isBusy}>
        {isBusy && (
          <p role="status">
            {looksLikeHandle(query) ? `Looking up ${query} on its server…` : "Searching…"}
          </p>
        )}
        {error && !cachedResults && <p role="alert">{error}</p>}
        {cachedResults && (
          <p role="status">
            {cachedResults.length === 0
              ? `Hearth cannot be reached, and no post kept on this device contains “${query}”.`
              : cachedResults.length === 1
                ? `Hearth cannot be reached: showing the one post kept on this device that contains “${query}”.`
                : `Hearth cannot be reached: showing the ${cachedResults.length} posts kept on this device that contain “${query}”.`}
          </p>
        )}
        {!isBusy && isEmpty && <p>Nothing found for “{query}”.</p>}
      </div>
      {shown && shown.accounts.length > 0 && (
        <section aria-labelledby="people-title">
          <h2 id="people-title">People</h2>
          <ul className="account-list">
            {shown.accounts.map((account) => (
              <li key={account.id} className="account-row">
                <Link to={{ name: "profile", acct: account.acct }} className="account-link">
                  <Avatar account={account} size={40} />
                  <DisplayName account={account} />
                </Link>
                <FollowButton account={account} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {shown && shown.hashtags.length > 0 && (
        <section aria-labelledby="tags-title">
          <h2 id="tags-title">Hashtags</h2>
          <ul className="tag-list">
            {shown.hashtags.map((tag) => (
              <li key={tag.name}>
                <Link to={{ name: "tag", tag: tag.name }}>#{tag.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {cachedResults && cachedResults.length > 0 && (
        <section aria-labelledby="cached-posts-title">
          <h2 id="cached-posts-title">Saved posts</h2>
          <div className="feed">
            {cachedResults.map((status) => (
              <StatusCard key={status.id} status={status} />
            ))}
          </div>
        </section>
      )}
      {shown && shown.statuses.length > 0 && (
        <section aria-labelledby="posts-title">
          <h2 id="posts-title">Posts</h2>
          <div className="feed">
            {shown.statuses.map((status) => (
              <StatusCard key={status.id} status={status} />
            ))}
          </div>
        </section>
      )}
    </section>
  );
}
