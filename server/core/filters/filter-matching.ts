import type { CoreContext } from "../context.ts";
import { filterContexts } from "./filters.ts";
import type { FilterKeywordRow, FilterRow } from "../rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import { viewerFiltersCacheOf } from "../../db/page-read-caches.ts";

/**
 * Which of a viewer's filters a status trips, for the Status entity's `filtered` (Mastodon's FilterResult).
 * Load the viewer's filters once per request (loadActiveFilters), then test each status (matchFilters).
 */

export interface ActiveFilter {
  filter: FilterRow;
  contexts: string[];
  keywords: Array<{ keyword: FilterKeywordRow; pattern: RegExp }>;
  statusIds: ReadonlySet<string>;
}

/** What a status tripped: the filter, the keywords found and whether the status itself is listed. */
export interface FilterMatch {
  filter: FilterRow;
  contexts: string[];
  keywordMatches: string[];
  statusMatches: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Mastodon's keyword rule: a whole-word keyword needs a word boundary at each end that is itself a word
 * character, so "#tag" or "c++" still match where they stand.
 */
export function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const body = escapeRegExp(keyword);
  if (!wholeWord) return new RegExp(body, "iu");
  const start = /^[\p{L}\p{N}_]/u.test(keyword) ? "(?<![\\p{L}\\p{N}_])" : "";
  const end = /[\p{L}\p{N}_]$/u.test(keyword) ? "(?![\\p{L}\\p{N}_])" : "";
  return new RegExp(`${start}${body}${end}`, "iu");
}

// Asked for every page rendered: compiled once (db/compiled-queries.ts).
const filtersOf = compiledQuery((db, { accountId }: { accountId: string }) => db.selectFrom("filters").selectAll().where("account_id", "=", accountId).orderBy("id"));

/**
 * All of an account's filters, expired ones too, with their keywords' patterns made: kept between pages in the
 * filters' cache (db/page-read-caches.ts), which forgets an account's whenever one of its filters, keywords or
 * filtered statuses comes, changes or goes. Every page rendered fresh read them again (issue #19).
 */
async function accountFilters(ctx: CoreContext, accountId: string): Promise<readonly ActiveFilter[]> {
  const cache = viewerFiltersCacheOf<readonly ActiveFilter[]>(ctx.db);
  // Marked first: a commit by another connection empties the caches before anything is taken from them.
  const since = cache?.mark() ?? 0;
  const cached = cache?.get(accountId);
  if (cached) return cached;
  const filters = await filtersOf(ctx.db, { accountId });
  const ids = filters.map((filter) => filter.id);
  const [keywords, statuses] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          ctx.db.selectFrom("filter_keywords").selectAll().where("filter_id", "in", ids).execute(),
          ctx.db.selectFrom("filter_statuses").select(["filter_id", "status_id"]).where("filter_id", "in", ids).execute(),
        ]);
  const read = filters.map((filter) => ({
    filter,
    contexts: filterContexts(filter),
    keywords: keywords
      .filter((keyword) => keyword.filter_id === filter.id)
      .map((keyword) => ({ keyword, pattern: keywordPattern(keyword.keyword, keyword.whole_word === 1) })),
    statusIds: new Set(statuses.filter((row) => row.filter_id === filter.id).map((row) => row.status_id)),
  }));
  cache?.keep(since, accountId, read);
  return read;
}

/** The viewer's filters in force (not expired), optionally only those for one context. */
export async function loadActiveFilters(ctx: CoreContext, accountId: string, context?: string): Promise<ActiveFilter[]> {
  const now = ctx.clock.now().toISOString();
  return (await accountFilters(ctx, accountId)).filter(({ filter, contexts }) => (filter.expires_at === null || filter.expires_at > now) && (!context || contexts.includes(context)));
}

/**
 * The filters a status trips. `text` is what a reader sees of it (spoiler, content as plain text, media
 * descriptions, poll options); `statusId` is the status itself (for a boost, the boosted one).
 */
export function matchFilters(filters: readonly ActiveFilter[], status: { statusId: string; text: string }): FilterMatch[] {
  return filters.flatMap((active) => {
    const keywordMatches = active.keywords.filter(({ pattern }) => pattern.test(status.text)).map(({ keyword }) => keyword.keyword);
    const statusMatches = active.statusIds.has(status.statusId) ? [status.statusId] : [];
    if (keywordMatches.length === 0 && statusMatches.length === 0) return [];
    return [{ filter: active.filter, contexts: active.contexts, keywordMatches, statusMatches }];
  });
}
