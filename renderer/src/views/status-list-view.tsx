import { useCallback } from "react";
import type { PageQuery } from "../api/link-header.ts";
import { bookmarksPage, favouritesPage } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { StatusFeed } from "../components/status-feed.tsx";
import { useStatusFeed } from "../state/use-status-feed.ts";

const KINDS = {
  bookmarks: { title: "Bookmarks", empty: "Posts you bookmark are kept here, only for you.", load: bookmarksPage },
  favourites: { title: "Favourites", empty: "Posts you like are listed here.", load: favouritesPage },
};

/** Bookmarks and favourites: the reader's own lists of posts. */
export function StatusListView({ kind }: { kind: keyof typeof KINDS }) {
  const { api } = useApp();
  const { title, empty, load } = KINDS[kind];
  const loadPage = useCallback((query: PageQuery) => load(api, query), [api, load]);
  const feed = useStatusFeed(kind, loadPage);
  return (
    <section className="column" aria-labelledby="list-title">
      <header className="column-header">
        <h1 id="list-title">{title}</h1>
      </header>
      <StatusFeed feed={feed} label={title} emptyText={empty} />
    </section>
  );
}
