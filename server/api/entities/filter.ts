import type { FilterMatch } from "../../core/filters/filter-matching.ts";
import { filterContexts, type FilterWithParts } from "../../core/filters/filters.ts";
import type { FilterKeywordRow, FilterRow, FilterStatusRow } from "../../core/rows.ts";

/** Mastodon's FilterKeyword entity. */
export interface MastodonFilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

/** Mastodon's FilterStatus entity. */
export interface MastodonFilterStatus {
  id: string;
  status_id: string;
}

/** Mastodon's Filter entity (v2). */
export interface MastodonFilter {
  id: string;
  title: string;
  context: string[];
  expires_at: string | null;
  filter_action: "warn" | "hide" | "blur";
  keywords: MastodonFilterKeyword[];
  statuses: MastodonFilterStatus[];
}

/** What a v1 filter is made of: one keyword of a v2 filter, with its filter (v1/filters-view.ts). */
export interface V1Filter {
  keyword: FilterKeywordRow;
  filter: FilterRow;
}

/** Mastodon's V1::Filter entity: one keyword of a v2 filter. */
export interface MastodonV1Filter {
  id: string;
  phrase: string;
  context: string[];
  whole_word: boolean;
  expires_at: string | null;
  irreversible: boolean;
}

/** Mastodon's FilterResult, for the Status entity's `filtered`. */
export interface MastodonFilterResult {
  filter: MastodonFilter;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export function toFilterKeyword(row: FilterKeywordRow): MastodonFilterKeyword {
  return { id: row.id, keyword: row.keyword, whole_word: row.whole_word === 1 };
}

export function toFilterStatus(row: FilterStatusRow): MastodonFilterStatus {
  return { id: row.id, status_id: row.status_id };
}

function filterShape(filter: FilterRow, keywords: MastodonFilterKeyword[], statuses: MastodonFilterStatus[]): MastodonFilter {
  return {
    id: filter.id,
    title: filter.title,
    context: filterContexts(filter),
    expires_at: filter.expires_at,
    filter_action: filter.action,
    keywords,
    statuses,
  };
}

export function toFilter(parts: FilterWithParts): MastodonFilter {
  return filterShape(parts.filter, parts.keywords.map(toFilterKeyword), parts.statuses.map(toFilterStatus));
}

export function toV1Filter({ keyword, filter }: V1Filter): MastodonV1Filter {
  return {
    id: keyword.id,
    phrase: keyword.keyword,
    context: filterContexts(filter),
    whole_word: keyword.whole_word === 1,
    expires_at: filter.expires_at,
    irreversible: filter.action === "hide",
  };
}

/** A match as the Status entity carries it; Mastodon leaves the filter's keywords and statuses out there. */
export function toFilterResult(match: FilterMatch): MastodonFilterResult {
  return {
    filter: filterShape(match.filter, [], []),
    keyword_matches: match.keywordMatches.length > 0 ? match.keywordMatches : null,
    status_matches: match.statusMatches.length > 0 ? match.statusMatches : null,
  };
}
