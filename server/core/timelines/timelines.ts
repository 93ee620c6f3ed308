import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import { statusRowsInOrder } from "../../db/cached-status-rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import { normaliseTagName } from "../statuses/status-store.ts";
import { loadViewerExclusions, notExcluded, notSilenced, visibleTo, type ViewerExclusions } from "../visibility/status-visibility.ts";
import type { StatusRow } from "../rows.ts";

/**
 * The timelines, newest first, each a page of statuses the viewer may see: home (the feed written as
 * statuses arrived), public, hashtag, list, an account's statuses, bookmarks and favourites. Blocks (either
 * way), mutes and domain blocks are applied as the page is read, so a block hides at once what came before.
 */

/** A page: the statuses and, in the same order, the ids the Link header pages by. */
export interface TimelinePage {
  statuses: StatusRow[];
  /** Status ids, except for bookmarks and favourites (paged by when they were made, as Mastodon does). */
  pageIds: string[];
}

type StatusesEb = ExpressionBuilder<DatabaseSchema, "statuses">;

function asPage(statuses: StatusRow[]): TimelinePage {
  return { statuses, pageIds: statuses.map((status) => status.id) };
}

async function exclusionsFor(ctx: CoreContext, viewerId: string | null): Promise<ViewerExclusions> {
  return loadViewerExclusions(ctx.db, viewerId, ctx.clock.now().toISOString());
}

/** Statuses with at least one attachment (only_media). */
function hasMedia(eb: StatusesEb): Expression<SqlBool> {
  return eb.exists(eb.selectFrom("media_attachments").select("media_attachments.id").whereRef("media_attachments.status_id", "=", "statuses.id"));
}

/** Not a reply, or a reply to oneself (a thread), as Mastodon's without_replies has it. */
function notReplyToOthers(eb: StatusesEb): Expression<SqlBool> {
  return eb.or([eb("statuses.in_reply_to_account_id", "is", null), eb("statuses.in_reply_to_account_id", "=", eb.ref("statuses.account_id"))]);
}

/** The viewer's home: what entered their feed, still visible to them and from no one they have since blocked or muted. */
export async function homeTimeline(ctx: CoreContext, viewerId: string, page: PageRequest): Promise<TimelinePage> {
  const { blocked, muted, limited = [], domains } = await exclusionsFor(ctx, viewerId);
  const { maxId, sinceId, minId } = page;
  const rows = await homePage(ctx.db, { viewerId, blocked, muted, limited, domains, maxId, sinceId, minId }, page.limit);
  const ids = pageRows(rows, page).map((row) => row.id);
  return asPage(await statusRowsInOrder(ctx.db, ids));
}

// The page every client asks for first and most: compiled once per shape of the viewer's exclusions and page
// (compiled-queries.ts), as building it cost more than SQLite's reading of it (issue #19). It reads the page's
// ids alone, and the rows come from the status rows' cache: a fresh page shares all but a few with the last.
const homePage = compiledQuery(
  (
    db,
    args: {
      viewerId: string;
      blocked: readonly string[];
      muted: readonly string[];
      limited: readonly string[];
      domains: readonly string[];
      maxId: string | null;
      sinceId: string | null;
      minId: string | null;
    },
    limit: number,
  ) => {
    const { viewerId, maxId, sinceId, minId } = args;
    const query = db
      .selectFrom("home_feed")
      .innerJoin("statuses", "statuses.id", "home_feed.status_id")
      .select("home_feed.status_id as id")
      .where("home_feed.account_id", "=", viewerId)
      .where((eb) => eb.and([visibleTo(eb, viewerId, { byIds: true }), notExcluded(eb, args, true)]));
    return pageQuery(query, "home_feed.status_id", { maxId, sinceId, minId, limit });
  },
);

export interface PublicTimelineOptions {
  local?: boolean;
  remote?: boolean;
  onlyMedia?: boolean;
}

/**
 * Public and not a boost. With local or remote, the (visibility, local, id) index gives the page in order;
 * for both, the unary + keeps SQLite off that index (it would sort every public status) and walks ids
 * newest first instead, which stops after one page.
 */
function publicOriginals(eb: StatusesEb, bothOrigins: boolean): Expression<SqlBool> {
  const visibility = bothOrigins ? sql<string>`+${sql.ref("statuses.visibility")}` : eb.ref("statuses.visibility");
  return eb.and([eb(visibility, "=", "public"), eb("statuses.reblog_of_id", "is", null)]);
}

/** Public statuses, not boosts and not replies to others, as Mastodon's public timelines. */
export async function publicTimeline(ctx: CoreContext, viewerId: string | null, options: PublicTimelineOptions, page: PageRequest): Promise<TimelinePage> {
  const exclusions = await exclusionsFor(ctx, viewerId);
  let query = ctx.db
    .selectFrom("statuses")
    .selectAll()
    .where((eb) => publicOriginals(eb, !options.local && !options.remote))
    .where((eb) => eb.and([notReplyToOthers(eb), notExcluded(eb, exclusions, true), notSilenced(eb, exclusions)]));
  if (options.local) query = query.where("statuses.local", "=", 1);
  else if (options.remote) query = query.where("statuses.local", "=", 0);
  if (options.onlyMedia) query = query.where((eb) => hasMedia(eb));
  return asPage(pageRows(await pageQuery(query, "statuses.id", page).execute(), page));
}

export interface TagTimelineOptions extends PublicTimelineOptions {
  /** Also statuses with any of these tags. */
  any?: readonly string[];
  /** Only statuses that also have every one of these. */
  all?: readonly string[];
  /** Not statuses with any of these. */
  none?: readonly string[];
}

function tagged(eb: StatusesEb, names: readonly string[]): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom("status_tags")
      .innerJoin("tags", "tags.id", "status_tags.tag_id")
      .select("status_tags.tag_id")
      .whereRef("status_tags.status_id", "=", "statuses.id")
      .where("tags.name", "in", names.map(normaliseTagName)),
  );
}

/**
 * Public statuses with a hashtag (and the any/all/none of Mastodon's tag timeline). Read from the tag's own
 * index (status_tags by tag, then status id), so a page costs the same whatever else is public.
 */
export async function tagTimeline(ctx: CoreContext, viewerId: string | null, tag: string, options: TagTimelineOptions, page: PageRequest): Promise<TimelinePage> {
  const exclusions = await exclusionsFor(ctx, viewerId);
  const names = [...new Set([tag, ...(options.any ?? [])].map(normaliseTagName))];
  const tagIds = (await ctx.db.selectFrom("tags").select("id").where("name", "in", names).execute()).map((row) => row.id);
  if (tagIds.length === 0) return { statuses: [], pageIds: [] };
  let query = ctx.db
    .selectFrom("status_tags")
    .innerJoin("statuses", "statuses.id", "status_tags.status_id")
    .selectAll("statuses")
    .distinct()
    .where("status_tags.tag_id", "in", tagIds)
    .where((eb) => eb.and([publicOriginals(eb, false), notExcluded(eb, exclusions, true), notSilenced(eb, exclusions)]));
  for (const name of options.all ?? []) query = query.where((eb) => tagged(eb, [name]));
  const none = options.none ?? [];
  if (none.length > 0) query = query.where((eb) => eb.not(tagged(eb, none)));
  if (options.local) query = query.where("statuses.local", "=", 1);
  else if (options.remote) query = query.where("statuses.local", "=", 0);
  if (options.onlyMedia) query = query.where((eb) => hasMedia(eb));
  return asPage(pageRows(await pageQuery(query, "status_tags.status_id", page).execute(), page));
}

/** A list's timeline: its members' statuses (boosts too) that the owner may see, replies as the list's policy says. */
export async function listTimeline(ctx: CoreContext, viewerId: string, listId: string, page: PageRequest): Promise<TimelinePage | undefined> {
  const list = await ctx.db.selectFrom("lists").selectAll().where("id", "=", listId).where("account_id", "=", viewerId).executeTakeFirst();
  if (!list) return undefined;
  const exclusions = await exclusionsFor(ctx, viewerId);
  let query = ctx.db
    .selectFrom("statuses")
    .selectAll()
    .where("statuses.account_id", "in", (eb) => eb.selectFrom("list_accounts").select("list_accounts.account_id").where("list_accounts.list_id", "=", listId))
    .where((eb) => eb.and([visibleTo(eb, viewerId), notExcluded(eb, exclusions, true)]));
  if (list.replies_policy === "none") {
    query = query.where((eb) => notReplyToOthers(eb));
  } else if (list.replies_policy === "list") {
    query = query.where((eb) =>
      eb.or([
        notReplyToOthers(eb),
        eb("statuses.in_reply_to_account_id", "in", eb.selectFrom("list_accounts").select("list_accounts.account_id").where("list_accounts.list_id", "=", listId)),
      ]),
    );
  } else {
    query = query.where((eb) =>
      eb.or([
        notReplyToOthers(eb),
        eb("statuses.in_reply_to_account_id", "=", viewerId),
        eb(
          "statuses.in_reply_to_account_id",
          "in",
          eb.selectFrom("follows").select("follows.target_account_id").where("follows.account_id", "=", viewerId).where("follows.state", "=", "accepted"),
        ),
      ]),
    );
  }
  return asPage(pageRows(await pageQuery(query, "statuses.id", page).execute(), page));
}

export interface AccountStatusesOptions {
  pinned?: boolean;
  excludeReplies?: boolean;
  excludeReblogs?: boolean;
  onlyMedia?: boolean;
  /** Only statuses with this hashtag. */
  tagged?: string;
}

/**
 * An account's statuses as the viewer may see them (Mastodon's AccountStatusesFilter): nothing when the
 * account blocks the viewer; the viewer's own mutes do not hide a profile they chose to open.
 */
export async function accountStatuses(
  ctx: CoreContext,
  viewerId: string | null,
  accountId: string,
  options: AccountStatusesOptions,
  page: PageRequest,
): Promise<TimelinePage> {
  const exclusions = await exclusionsFor(ctx, viewerId);
  if (viewerId !== null && viewerId !== accountId && exclusions.blocked.includes(accountId)) return { statuses: [], pageIds: [] };
  let query = ctx.db
    .selectFrom("statuses")
    .selectAll("statuses")
    .where("statuses.account_id", "=", accountId)
    .where((eb) => eb.and([visibleTo(eb, viewerId), notExcluded(eb, exclusions, false)]));
  if (options.pinned) {
    query = query.where("statuses.id", "in", (eb) => eb.selectFrom("status_pins").select("status_pins.status_id").where("status_pins.account_id", "=", accountId));
  }
  if (options.excludeReplies) query = query.where((eb) => notReplyToOthers(eb));
  if (options.excludeReblogs) query = query.where("statuses.reblog_of_id", "is", null);
  if (options.onlyMedia) query = query.where((eb) => hasMedia(eb));
  if (options.tagged) {
    const name = options.tagged;
    query = query.where((eb) => tagged(eb, [name]));
  }
  return asPage(pageRows(await pageQuery(query, "statuses.id", page).execute(), page));
}

/** The viewer's bookmarks or favourites, newest first by when they were made (the Link header pages by those ids). */
export async function markedStatuses(ctx: CoreContext, viewerId: string, kind: "bookmarks" | "favourites", page: PageRequest): Promise<TimelinePage> {
  const exclusions = await exclusionsFor(ctx, viewerId);
  const rows = await pageQuery(
    ctx.db
      // Both tables have the id, account_id and status_id used here; typed as one so the query is written once.
      .selectFrom(`${kind} as mark` as "bookmarks as mark")
      .innerJoin("statuses", "statuses.id", "mark.status_id")
      .selectAll("statuses")
      .select("mark.id as mark_id")
      .where("mark.account_id", "=", viewerId)
      .where((eb) => eb.and([visibleTo(eb, viewerId), notExcluded(eb, exclusions, false)])),
    "mark.id",
    page,
  ).execute();
  const ordered = pageRows(rows, page);
  return {
    statuses: ordered.map(({ mark_id: _markId, ...status }) => status),
    pageIds: ordered.map((row) => row.mark_id),
  };
}
