import type { CoreContext } from "../context.ts";
import { filterContexts } from "./filters.ts";
import type { FilterKeywordRow, FilterRow } from "../rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";

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
const filtersInForce = compiledQuery((db, { accountId, now }: { accountId: string; now: string }) =>
  db
    .selectFrom("filters")
    .selectAll()
    .where("account_id", "=", accountId)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .orderBy("id"),
);

/** The viewer's filters in force (not expired), optionally only those for one context. */
export async function loadActiveFilters(ctx: CoreContext, accountId: string, context?: string): Promise<ActiveFilter[]> {
  const now = ctx.clock.now().toISOString();
  const filters = await filtersInForce(ctx.db, { accountId, now });
  const relevant = filters.map((filter) => ({ filter, contexts: filterContexts(filter) })).filter((item) => !context || item.contexts.includes(context));
  if (relevant.length === 0) return [];
  const ids = relevant.map((item) => item.filter.id);
  const [keywords, statuses] = await Promise.all([
    ctx.db.selectFrom("filter_keywords").selectAll().where("filter_id", "in", ids).execute(),
    ctx.db.selectFrom("filter_statuses").select(["filter_id", "status_id"]).where("filter_id", "in", ids).execute(),
  ]);
  return relevant.map(({ filter, contexts }) => ({
    filter,
    contexts,
    keywords: keywords
      .filter((keyword) => keyword.filter_id === filter.id)
      .map((keyword) => ({ keyword, pattern: keywordPattern(keyword.keyword, keyword.whole_word === 1) })),
    statusIds: new Set(statuses.filter((row) => row.filter_id === filter.id).map((row) => row.status_id)),
  }));
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
