import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { hasOperators, type SearchQuery } from "./search-query.ts";
import { operatorConditions } from "./status-search-filters.ts";
import { ftsString, likeAnywhere, planText, type PlannedText } from "./text-match-plan.ts";
import { countIndexMatches, readIndexMatches, type IndexRead } from "./index-matches.ts";
import { canViewStatus, loadViewerExclusions, notExcluded, visibleTo } from "../visibility/status-visibility.ts";
import type { StatusRow } from "../rows.ts";

/**
 * Finding statuses for search: by their text (FTS5 over the two indexes core/statuses/status-store.ts keeps;
 * text-match-plan.ts says which index finds which word) and Mastodon's operators (status-search-filters.ts),
 * and by their address. Only what the viewer may see, without boosts, and never from accounts the viewer
 * blocks or mutes (or that block it).
 */

export interface StatusTextSearch {
  query: SearchQuery;
  viewerId: string;
  /** Our origin: from:name@ourhost is a local account. */
  origin: string;
  limit: number;
  offset: number;
  /** Only statuses by this account. */
  accountId?: string | null;
  maxId?: string | null;
  minId?: string | null;
  /** Beyond this many matches of the words, newest first rather than by bm25 (MAX_RANKED_MATCHES unless given). */
  maxRankedMatches?: number;
}

/**
 * bm25 scores every match before the first page can be known (one to two milliseconds per thousand matches on
 * the bench's machine, bench/search-profile.ts): a word in more statuses than this (the, and: a tenth of an archive) is ordered newest first, as Mastodon orders
 * every search. Such a word's bm25 weight is near nothing anyway; what ranked the page was the length of
 * the statuses.
 */
export const MAX_RANKED_MATCHES = 20_000;

type StatusesEb = ExpressionBuilder<DatabaseSchema, "statuses">;
type Condition = (eb: StatusesEb) => Expression<SqlBool>;

/** Every text as FTS5 strings that must all match, in one MATCH expression. */
function allOf(texts: readonly PlannedText[]): string {
  return texts.map((text) => ftsString(text.text)).join(" AND ");
}

// FTS5 is beyond kysely: these are the raw conditions of this module. Trigram rows' rowid is the status id
// as a number; status ids are 18 digits (core/ids.ts), so printf gives back the key of statuses.
function inTrigrams(texts: readonly PlannedText[]): Condition {
  return () => sql<SqlBool>`statuses.id IN (SELECT printf('%018d', rowid) FROM status_search_trigram WHERE status_search_trigram MATCH ${allOf(texts)})`;
}

function inWords(texts: readonly PlannedText[]): Condition {
  return () => sql<SqlBool>`statuses.id IN (SELECT status_id FROM status_search WHERE status_search MATCH ${allOf(texts)})`;
}

function inScan(text: PlannedText): Condition {
  return () => sql<SqlBool>`statuses.id IN (SELECT status_id FROM status_search WHERE body LIKE ${likeAnywhere(text.text)} ESCAPE '\\')`;
}

function notIn(condition: Condition): Condition {
  return (eb) => eb.not(condition(eb));
}

/**
 * Statuses for a search, best first: by FTS5's rank (bm25) when the query has words the word index holds, then
 * the newest; only the newest first when its text is all for the trigram index, or it is operators alone. Paged by offset, and by max_id/min_id
 * as ranges of ids within the ranked results, as Mastodon's search takes them.
 */
export async function searchStatusText(ctx: CoreContext, search: StatusTextSearch): Promise<StatusRow[]> {
  const { query } = search;
  if (query.include.length === 0 && !hasOperators(query)) return [];
  const include = await Promise.all(query.include.map((text) => planText(ctx.db, text)));
  // An exclusion stays with words unless it is CJK: -fedi must not drop every status that says fediverse.
  const exclude = await Promise.all(query.exclude.map((text) => planText(ctx.db, text, { isExclusion: true })));
  const words = include.filter((text) => text.index === "words");
  const trigrams = include.filter((text) => text.index === "trigrams");
  const excludedWords = exclude.filter((text) => text.index === "words");

  const exclusions = await loadViewerExclusions(ctx.db, search.viewerId, ctx.clock.now().toISOString());
  const conditions: Condition[] = [
    (eb) => eb("statuses.reblog_of_id", "is", null),
    (eb) => visibleTo(eb, search.viewerId),
    (eb) => notExcluded(eb, exclusions, true),
    ...(await operatorConditions(ctx, query, search.viewerId, search.origin)),
    ...include.filter((text) => text.index === "scan").map(inScan),
    ...exclude.filter((text) => text.index === "trigrams").map((text) => notIn(inTrigrams([text]))),
    ...exclude.filter((text) => text.index === "scan").map((text) => notIn(inScan(text))),
  ];
  const { accountId, maxId, minId } = search;
  if (accountId) conditions.push((eb) => eb("statuses.account_id", "=", accountId));
  if (maxId) conditions.push((eb) => eb("statuses.id", "<", maxId));
  if (minId) conditions.push((eb) => eb("statuses.id", ">", minId));
  const where = (eb: StatusesEb) => eb.and(conditions.map((condition) => condition(eb)));

  if (words.length > 0) {
    const match = excludedWords.length > 0 ? `(${allOf(words)}) ${excludedWords.map((text) => `NOT ${ftsString(text.text)}`).join(" ")}` : allOf(words);
    if (trigrams.length > 0) conditions.push(inTrigrams(trigrams));
    const read: IndexRead = { index: "status_search", match, order: "rank", belowId: maxId, aboveId: minId };
    const maxRanked = search.maxRankedMatches ?? MAX_RANKED_MATCHES;
    if ((await countIndexMatches(ctx.db, read, maxRanked)) > maxRanked) return pageOfMatches(ctx, { ...read, order: "newest" }, where, search, false);
    return pageOfMatches(ctx, read, where, search, isNarrowed(search));
  }
  if (excludedWords.length > 0) conditions.push(notIn(inWords(excludedWords)));
  if (trigrams.length > 0) {
    // Newest first, as Mastodon orders every search (StatusesSearchService orders by id): bm25 over
    // trigrams says little of relevance, and sorting by it scored every match (a part of a common word
    // matches a tenth of an archive), where FTS5 walks ids in order and stops once the page is full.
    return pageOfMatches(ctx, { index: "status_search_trigram", match: allOf(trigrams), order: "newest", belowId: maxId, aboveId: minId }, where, search, false);
  }
  return ctx.db.selectFrom("statuses").selectAll().where(where).orderBy("statuses.id", "desc").limit(search.limit).offset(search.offset).execute();
}

// A first batch of matches this many times the page, growing by GROWTH while the viewer may see too few.
const OVER_READ = 2;
const MIN_READ = 40;
const GROWTH = 4;

/**
 * Operators and account_id keep few of a text's matches (from:me has:media keeps one in hundreds): reading
 * in batches would rank everything again for each, so all matches are read at once.
 */
function isNarrowed(search: StatusTextSearch): boolean {
  const { query } = search;
  return Boolean(search.accountId) || query.from.length + query.properties.length + query.languages.length + query.dates.length > 0 || query.scope !== "all";
}

/**
 * The page of an index's matches (in the index's order) that pass `where`: matches read a batch at a time
 * and checked against `statuses` by key, until the page is full or the matches end.
 */
async function pageOfMatches(
  ctx: CoreContext,
  read: IndexRead,
  where: (eb: StatusesEb) => Expression<SqlBool>,
  page: { limit: number; offset: number },
  readsAll: boolean,
): Promise<StatusRow[]> {
  const wanted = page.offset + page.limit;
  const found: StatusRow[] = [];
  let batch = readsAll ? null : Math.max(wanted * OVER_READ, MIN_READ);
  let skip = 0;
  let next = read;
  for (;;) {
    const ids = await readIndexMatches(ctx.db, next, batch, skip);
    if (ids.length > 0) {
      const rows = await ctx.db
        .selectFrom("statuses")
        .selectAll()
        .where(sql<SqlBool>`statuses.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
        .where(where)
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row] as const));
      for (const id of ids) {
        const row = byId.get(id);
        if (row) found.push(row);
      }
    }
    if (batch === null || ids.length < batch || found.length >= wanted) return found.slice(page.offset, wanted);
    // Ranked matches are read on by position; the newest by id, where FTS5 starts the next batch directly.
    if (read.order === "rank") skip += batch;
    else next = { ...read, belowId: ids[ids.length - 1] };
    batch *= GROWTH;
  }
}

/**
 * A status by its address as stored: its ActivityPub id or page URL, or for ours, the page or id under our
 * origin. Undefined when we do not have it, or the viewer may not see it.
 */
export async function findStatusByUrl(ctx: CoreContext, url: string, viewerId: string | null, origin: string): Promise<StatusRow | undefined> {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  let status: StatusRow | undefined;
  if (parsed.origin === new URL(origin).origin) {
    const id = /^\/(?:@[^/]+|users\/[^/]+\/statuses)\/(\d{1,19})\/?$/.exec(parsed.pathname)?.[1];
    if (id) status = await ctx.db.selectFrom("statuses").selectAll().where("id", "=", id.padStart(18, "0")).where("local", "=", 1).executeTakeFirst();
  } else {
    status =
      (await ctx.db.selectFrom("statuses").selectAll().where("uri", "=", parsed.href).executeTakeFirst()) ??
      (await ctx.db.selectFrom("statuses").selectAll().where("url", "=", parsed.href).orderBy("id").executeTakeFirst());
  }
  if (!status || status.reblog_of_id !== null) return undefined;
  return (await canViewStatus(ctx.db, status, viewerId)) ? status : undefined;
}
