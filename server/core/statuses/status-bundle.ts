import { sql, type Kysely, type Selectable } from "kysely";
import { statusRowsByIds } from "../../db/cached-status-rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import { queryByIds } from "../../db/queries-by-ids.ts";
import type { DatabaseSchema, OAuthApplicationsTable } from "../../db/schema.ts";
import { loadAccountEmojis } from "../emojis/account-emojis.ts";
import { conversationMuteKey, markPageReadCaches, statusCountsCacheOf, statusMarksKey, viewerMarksCacheOf } from "../../db/page-read-caches.ts";
import { type AccountEntityRow, type AccountStats, loadAccountsWithStats } from "../accounts/account-stats.ts";
import type { CoreContext } from "../context.ts";
import { loadOwnVotes, loadPollTallies, pollOptions, type PollTally } from "./polls.ts";
import { loadStatusParts, type StatusParts } from "./status-parts.ts";
import { filterVisibleStatuses } from "../visibility/status-visibility.ts";
import type { AccountRow, CustomEmojiRow, MediaAttachmentRow, PollRow, StatusRow } from "../rows.ts";
import { shortcodesInText } from "../emojis/shortcodes-in-text.ts";

/**
 * Everything the Mastodon Status entity shows for a page of statuses, read in a fixed number of queries
 * whatever the page's size: the boosted and quoted statuses, authors and their numbers, mentions, tags,
 * emoji, media, polls with tallies and the viewer's votes, applications, counts, preview cards, and what the
 * viewer has done (favourited, boosted, bookmarked, pinned, muted). api/entities/status.ts shapes it.
 */

type Db = Kysely<DatabaseSchema>;
export type ApplicationSummary = Pick<Selectable<OAuthApplicationsTable>, "id" | "name" | "website">;

export interface StatusCounts {
  replies: number;
  reblogs: number;
  favourites: number;
}

export interface ViewerState {
  favourited: ReadonlySet<string>;
  reblogged: ReadonlySet<string>;
  bookmarked: ReadonlySet<string>;
  pinned: ReadonlySet<string>;
  /** Conversation ids the viewer muted. */
  mutedConversations: ReadonlySet<string>;
}

export interface StatusBundle {
  /** The statuses asked for and the ones they boost or quote. */
  statuses: ReadonlyMap<string, StatusRow>;
  accounts: ReadonlyMap<string, AccountEntityRow>;
  accountStats: ReadonlyMap<string, AccountStats>;
  /** Mentioned account ids per status, in the order stored. */
  mentions: ReadonlyMap<string, string[]>;
  tags: ReadonlyMap<string, Array<{ name: string; display_name: string }>>;
  /** Custom emoji per status (the author's server's, by :shortcode: in the text and poll options). */
  emojis: ReadonlyMap<string, CustomEmojiRow[]>;
  /** Custom emoji per account (in its display name, note and fields). */
  accountEmojis: ReadonlyMap<string, CustomEmojiRow[]>;
  media: ReadonlyMap<string, MediaAttachmentRow[]>;
  polls: ReadonlyMap<string, { row: PollRow; options: string[]; tally: PollTally; ownVotes: number[] | null }>;
  applications: ReadonlyMap<string, ApplicationSummary>;
  counts: ReadonlyMap<string, Readonly<StatusCounts>>;
  /** Preview card JSON (Mastodon's PreviewCard) per status, where one was fetched. */
  cards: ReadonlyMap<string, string>;
  /** Each status's mentions, tags, media, poll and card as the parts' cache holds them (StatusPartRows.byStatus). */
  parts: ReadonlyMap<string, StatusParts>;
  /** Quoted statuses the viewer may see (others are shown as unavailable). */
  visibleQuotes: ReadonlySet<string>;
  viewerId: string | null;
  viewer: ViewerState;
  /** When the bundle was read, for whether polls have ended. */
  now: string;
}

const EMPTY_VIEWER: ViewerState = {
  favourited: new Set(),
  reblogged: new Set(),
  bookmarked: new Set(),
  pinned: new Set(),
  mutedConversations: new Set(),
};

const SHORTCODE = /:([a-zA-Z0-9_]{2,}):/g;

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

async function loadStatuses(db: Db, ids: readonly string[], pageMark: number | undefined): Promise<StatusRow[]> {
  return ids.length === 0 ? [] : [...(await statusRowsByIds(db, ids, pageMark)).values()];
}

const countsOf = queryByIds((db, ids) =>
  db
    .selectFrom("statuses")
    .select([sql<keyof StatusCounts>`'replies'`.as("kind"), "in_reply_to_id as id", (eb) => eb.fn.countAll<number>().as("count")])
    .where("in_reply_to_id", "in", ids)
    .groupBy("in_reply_to_id")
    .unionAll((eb) =>
      eb
        .selectFrom("statuses")
        .select([sql<keyof StatusCounts>`'reblogs'`.as("kind"), "reblog_of_id as id", (eb) => eb.fn.countAll<number>().as("count")])
        .where("reblog_of_id", "in", ids)
        .groupBy("reblog_of_id"),
    )
    .unionAll((eb) =>
      eb
        .selectFrom("favourites")
        .select([sql<keyof StatusCounts>`'favourites'`.as("kind"), "status_id as id", (eb) => eb.fn.countAll<number>().as("count")])
        .where("status_id", "in", ids)
        .groupBy("status_id"),
    ),
);

// The counts and the viewer's marks are each one compound query: a page would otherwise pay a query's
// fixed cost (building, compiling, the driver's turn) eight times for a few index probes.

/**
 * The counts of each status, those the counts' cache (db/page-read-caches.ts) does not hold read in one
 * query: the cache forgets a status's counts whenever a reply, boost or favourite of it comes or goes.
 */
async function loadCounts(db: Db, ids: readonly string[], pageMark: number | undefined): Promise<Map<string, Readonly<StatusCounts>>> {
  // Read only: what the cache holds is shared by every page.
  const counts = new Map<string, Readonly<StatusCounts>>();
  if (ids.length === 0) return counts;
  const cache = statusCountsCacheOf<Readonly<StatusCounts>>(db);
  const since = pageMark ?? cache?.mark() ?? 0;
  const missing: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached) counts.set(id, cached);
    else missing.push(id);
  }
  if (missing.length === 0) return counts;
  const read = new Map<string, StatusCounts>(missing.map((id) => [id, { replies: 0, reblogs: 0, favourites: 0 }]));
  for (const row of await countsOf(db, missing)) {
    const entry = row.id === null ? undefined : read.get(row.id);
    if (entry) entry[row.kind] = Number(row.count);
  }
  for (const [id, entry] of read) {
    counts.set(id, entry);
    cache?.keep(since, id, entry);
  }
  return counts;
}

type Mark = "favourited" | "reblogged" | "bookmarked" | "pinned" | "muted";

const viewerMarks = compiledQuery((db, { viewerId, ids, conversationIds }: { viewerId: string; ids: readonly string[]; conversationIds: readonly string[] }) => {
  const query = db
    .selectFrom("statuses")
    .select([sql<Mark>`'reblogged'`.as("mark"), "reblog_of_id as id"])
    .where("account_id", "=", viewerId)
    .where("reblog_of_id", "in", ids)
    .unionAll((eb) =>
      eb.selectFrom("favourites").select([sql<Mark>`'favourited'`.as("mark"), "status_id as id"]).where("account_id", "=", viewerId).where("status_id", "in", ids),
    )
    .unionAll((eb) =>
      eb.selectFrom("bookmarks").select([sql<Mark>`'bookmarked'`.as("mark"), "status_id as id"]).where("account_id", "=", viewerId).where("status_id", "in", ids),
    )
    .unionAll((eb) =>
      eb.selectFrom("status_pins").select([sql<Mark>`'pinned'`.as("mark"), "status_id as id"]).where("account_id", "=", viewerId).where("status_id", "in", ids),
    );
  if (conversationIds.length === 0) return query;
  return query.unionAll((eb) =>
    eb
      .selectFrom("conversation_mutes")
      .select([sql<Mark>`'muted'`.as("mark"), "conversation_id as id"])
      .where("account_id", "=", viewerId)
      .where("conversation_id", "in", conversationIds),
  );
});

/** The viewer's marks on one status, as bits: what the marks' cache holds for it. */
const MARK_BITS = { reblogged: 1, favourited: 2, bookmarked: 4, pinned: 8 } as const;
type StatusMark = keyof typeof MARK_BITS;
const STATUS_MARKS = Object.keys(MARK_BITS) as StatusMark[];

/**
 * The viewer's marks on these statuses and mutes of these conversations, those the marks' cache
 * (db/page-read-caches.ts) does not hold read in one query: the cache forgets a viewer's marks on a status
 * whenever their boost, favourite, bookmark or pin of it comes or goes, and a mute as it does.
 */
async function loadViewerState(db: Db, viewerId: string, ids: readonly string[], conversationIds: readonly string[], pageMark: number | undefined): Promise<ViewerState> {
  if (ids.length === 0) return EMPTY_VIEWER;
  const marks: Record<Mark, Set<string>> = { favourited: new Set(), reblogged: new Set(), bookmarked: new Set(), pinned: new Set(), muted: new Set() };
  const cache = viewerMarksCacheOf<number>(db);
  const since = pageMark ?? cache?.mark() ?? 0;
  const addBits = (id: string, bits: number) => {
    if (bits !== 0) for (const mark of STATUS_MARKS) if ((bits & MARK_BITS[mark]) !== 0) marks[mark].add(id);
  };
  let missingIds: string[] = [];
  const missingConversations: string[] = [];
  for (const id of ids) {
    const bits = cache?.get(statusMarksKey(viewerId, id));
    if (bits === undefined) missingIds.push(id);
    else addBits(id, bits);
  }
  for (const id of conversationIds) {
    const muted = cache?.get(conversationMuteKey(viewerId, id));
    if (muted === undefined) missingConversations.push(id);
    else if (muted !== 0) marks.muted.add(id);
  }
  if (missingIds.length === 0 && missingConversations.length === 0) return viewerStateOf(marks);
  // The query reads statuses and conversations together and needs some of each: known statuses are read again.
  if (missingIds.length === 0) missingIds = [...ids];
  const readBits = new Map<string, number>(missingIds.map((id) => [id, 0]));
  const readMutes = new Map<string, number>(missingConversations.map((id) => [id, 0]));
  for (const row of await viewerMarks(db, { viewerId, ids: missingIds, conversationIds: missingConversations })) {
    if (row.id === null) continue;
    if (row.mark === "muted") readMutes.set(row.id, 1);
    else if (readBits.has(row.id)) readBits.set(row.id, readBits.get(row.id)! | MARK_BITS[row.mark]);
  }
  for (const [id, bits] of readBits) {
    addBits(id, bits);
    cache?.keep(since, statusMarksKey(viewerId, id), bits);
  }
  for (const [id, muted] of readMutes) {
    if (muted !== 0) marks.muted.add(id);
    cache?.keep(since, conversationMuteKey(viewerId, id), muted);
  }
  return viewerStateOf(marks);
}

function viewerStateOf(marks: Record<Mark, Set<string>>): ViewerState {
  return { favourited: marks.favourited, reblogged: marks.reblogged, bookmarked: marks.bookmarked, pinned: marks.pinned, mutedConversations: marks.muted };
}

/**
 * Each status row's shortcodes with the poll row they were found with, by the row object: the status rows' and
 * parts' caches (db/cached-status-rows.ts, status-parts.ts) hand every page the same objects until the status
 * or its poll changes, and rows are never changed in place, so a page no longer searches its forty statuses'
 * text again (issue #19). A row or poll read anew is a new key or a mismatch. Weak: an entry goes with its row.
 */
const shortcodesOfStatus = new WeakMap<StatusRow, { poll: PollRow | undefined; shortcodes: readonly string[] }>();

function statusShortcodes(status: StatusRow, poll: PollRow | undefined): readonly string[] {
  const known = shortcodesOfStatus.get(status);
  if (known !== undefined && known.poll === poll) return known.shortcodes;
  const text = [status.content, status.spoiler_text, ...(poll ? pollOptions(poll) : [])].join(" ");
  const shortcodes = shortcodesInText(text, SHORTCODE);
  shortcodesOfStatus.set(status, { poll, shortcodes });
  return shortcodes;
}

async function loadEmojis(db: Db, statuses: readonly StatusRow[], accounts: ReadonlyMap<string, AccountEntityRow>, polls: ReadonlyMap<string, PollRow>): Promise<Map<string, CustomEmojiRow[]>> {
  const wanted = new Map<string, { domain: string | null; shortcodes: readonly string[] }>();
  const allShortcodes = new Set<string>();
  for (const status of statuses) {
    const shortcodes = statusShortcodes(status, polls.get(status.id));
    if (shortcodes.length === 0) continue;
    wanted.set(status.id, { domain: accounts.get(status.account_id)?.domain ?? null, shortcodes });
    for (const code of shortcodes) allShortcodes.add(code);
  }
  const result = new Map<string, CustomEmojiRow[]>();
  if (allShortcodes.size === 0) return result;
  const rows = await db.selectFrom("custom_emojis").selectAll().where("shortcode", "in", [...allShortcodes]).execute();
  for (const [statusId, { domain, shortcodes }] of wanted) {
    const found = rows.filter((row) => row.domain === domain && shortcodes.includes(row.shortcode));
    if (found.length > 0) result.set(statusId, found);
  }
  return result;
}

export interface StatusBundleOptions {
  /** More accounts to load (with their numbers) beside the authors and the mentioned: a notification's senders. */
  alsoAccountIds?: readonly string[];
}

/** Loads the bundle for these statuses as `viewerId` (null: anonymous) sees them. */
export async function loadStatusBundle(
  ctx: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  options: StatusBundleOptions = {},
): Promise<StatusBundle> {
  const db = ctx.db;
  // One look at whether another connection committed, for the page's three caches (db/page-read-caches.ts).
  const pageMark = markPageReadCaches(db);
  const statuses = new Map(rows.map((row) => [row.id, row]));
  // Boosted statuses, then what any of them quote: two hops at most, as the entity nests no deeper.
  for (const row of await loadStatuses(db, [...new Set(rows.map((row) => row.reblog_of_id).filter((id): id is string => id !== null && !statuses.has(id)))], pageMark)) {
    statuses.set(row.id, row);
  }
  const quoteIds = [...new Set([...statuses.values()].map((row) => row.quote_of_id).filter((id): id is string => id !== null && !statuses.has(id)))];
  for (const row of await loadStatuses(db, quoteIds, pageMark)) statuses.set(row.id, row);
  const all = [...statuses.values()];
  const ids = all.map((row) => row.id);

  const [{ mentions: mentionRows, tags: tagRows, media: mediaRows, polls: pollRows, cards: cardRows, byStatus: parts }, applicationRows, counts] = await Promise.all([
    loadStatusParts(db, ids, pageMark),
    (async () => {
      const appIds = [...new Set(all.map((row) => row.application_id).filter((id): id is string => id !== null))];
      return appIds.length === 0 ? [] : db.selectFrom("oauth_applications").select(["id", "name", "website"]).where("id", "in", appIds).execute();
    })(),
    loadCounts(db, ids, pageMark),
  ]);

  // Authors are shown with their numbers, mentioned accounts only by name; one query reads both.
  const { accounts, stats: accountStats } = await loadAccountsWithStats(
    ctx,
    [...new Set([...all.map((row) => row.account_id), ...mentionRows.map((row) => row.account_id), ...(options.alsoAccountIds ?? [])])],
    pageMark,
  );

  const pollsByStatus = new Map(pollRows.map((row) => [row.status_id, row]));
  const [tallies, ownVotes, emojis, accountEmojis] = await Promise.all([
    loadPollTallies(db, pollRows),
    viewerId ? loadOwnVotes(db, viewerId, pollRows.map((row) => row.id)) : Promise.resolve(new Map<string, number[]>()),
    loadEmojis(db, all, accounts, pollsByStatus),
    loadAccountEmojis(ctx, [...accounts.values()]),
  ]);
  const polls = new Map(
    pollRows.map((row) => [
      row.status_id,
      { row, options: pollOptions(row), tally: tallies.get(row.id) ?? { votes: [], votersCount: 0 }, ownVotes: viewerId ? (ownVotes.get(row.id) ?? []) : null },
    ]),
  );
  const conversationIds = [...new Set(all.map((row) => row.conversation_id).filter((id): id is string => id !== null))];
  const viewer = viewerId ? await loadViewerState(db, viewerId, ids, conversationIds, pageMark) : EMPTY_VIEWER;

  const quoted = all.flatMap((row) => {
    const target = row.quote_of_id ? statuses.get(row.quote_of_id) : undefined;
    return target ? [target] : [];
  });
  const visibleQuotes = new Set((await filterVisibleStatuses(db, quoted, viewerId)).map((row) => row.id));

  return {
    statuses,
    accounts,
    accountStats,
    mentions: new Map([...groupBy(mentionRows, (row) => row.status_id)].map(([id, list]) => [id, list.map((row) => row.account_id)])),
    tags: new Map([...groupBy(tagRows, (row) => row.status_id)].map(([id, list]) => [id, list.map(({ name, display_name }) => ({ name, display_name }))])),
    emojis,
    accountEmojis,
    media: groupBy(mediaRows, (row) => row.status_id ?? ""),
    polls,
    applications: new Map(applicationRows.map((row) => [row.id, row])),
    counts,
    cards: new Map(cardRows.map((row) => [row.status_id, row.card_json])),
    parts,
    visibleQuotes,
    viewerId,
    viewer,
    now: ctx.clock.now().toISOString(),
  };
}

/** Accounts by id, for entities that name several (conversation participants). */
export async function getAccountsByIds(ctx: CoreContext, ids: readonly string[]): Promise<Map<string, AccountRow>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.selectFrom("accounts").selectAll().where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, row]));
}
