import { sql, type RawBuilder } from "kysely";
import type { CoreContext } from "../context.ts";
import { canViewStatus, loadViewerExclusions, notExcluded, visibleTo } from "../visibility/status-visibility.ts";
import type { StatusRow } from "../rows.ts";

/**
 * Finding statuses for search: by the words in them (FTS5 over status_search, which core/statuses/status-store.ts
 * keeps) and by their address. Only what the viewer may see, without boosts, and never from accounts the
 * viewer blocks or mutes (or that block it).
 */

export interface StatusTextSearch {
  query: string;
  viewerId: string;
  limit: number;
  offset: number;
  /** Only statuses by this account. */
  accountId?: string | null;
  maxId?: string | null;
  minId?: string | null;
}

/**
 * The words as an FTS5 query that matches them all, each taken literally: FTS5's own syntax (quotes, AND,
 * NEAR, column filters, *) is never the user's to write by accident.
 */
function ftsMatch(query: string): RawBuilder<boolean> | undefined {
  const words = query
    .split(/\s+/)
    .map((word) => word.replace(/"/g, '""'))
    .filter((word) => word !== "");
  if (words.length === 0) return undefined;
  const expression = words.map((word) => `"${word}"`).join(" ");
  // FTS5 is beyond kysely: the one raw condition of this module.
  return sql<boolean>`statuses.id IN (SELECT status_id FROM status_search WHERE status_search MATCH ${expression})`;
}

export async function searchStatusText(ctx: CoreContext, search: StatusTextSearch): Promise<StatusRow[]> {
  const match = ftsMatch(search.query);
  if (!match) return [];
  const exclusions = await loadViewerExclusions(ctx.db, search.viewerId, ctx.clock.now().toISOString());
  let query = ctx.db
    .selectFrom("statuses")
    .selectAll()
    .where(match)
    .where("statuses.reblog_of_id", "is", null)
    .where((eb) => visibleTo(eb, search.viewerId))
    .where((eb) => notExcluded(eb, exclusions, true));
  if (search.accountId) query = query.where("statuses.account_id", "=", search.accountId);
  if (search.maxId) query = query.where("statuses.id", "<", search.maxId);
  if (search.minId) query = query.where("statuses.id", ">", search.minId);
  return query.orderBy("statuses.id", "desc").limit(search.limit).offset(search.offset).execute();
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
