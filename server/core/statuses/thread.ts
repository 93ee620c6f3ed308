import { sql } from "kysely";
import type { CoreContext } from "../context.ts";
import { loadViewerExclusions, notExcluded, visibleTo } from "../visibility/status-visibility.ts";
import type { StatusRow } from "../rows.ts";

/**
 * A status's thread as Mastodon's context endpoint gives it: the ancestors, oldest first, and the
 * descendants in reading order (depth first, each reply's replies before its next sibling), both without
 * what the viewer may not see or has blocked or muted.
 */

export interface Thread {
  ancestors: StatusRow[];
  descendants: StatusRow[];
}

export interface ThreadLimits {
  ancestors: number;
  descendants: number;
}

// Mastodon's bounds: smaller for anonymous readers, generous for signed-in ones.
export const ANONYMOUS_THREAD_LIMITS: ThreadLimits = { ancestors: 40, descendants: 60 };
export const SIGNED_IN_THREAD_LIMITS: ThreadLimits = { ancestors: 4096, descendants: 4096 };

async function keepVisible(ctx: CoreContext, ids: readonly string[], viewerId: string | null): Promise<Map<string, StatusRow>> {
  if (ids.length === 0) return new Map();
  const exclusions = await loadViewerExclusions(ctx.db, viewerId, ctx.clock.now().toISOString());
  const rows = await ctx.db
    .selectFrom("statuses")
    .selectAll()
    .where("statuses.id", "in", ids)
    .where((eb) => eb.and([visibleTo(eb, viewerId), notExcluded(eb, exclusions, true)]))
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function loadThread(ctx: CoreContext, status: StatusRow, viewerId: string | null, limits: ThreadLimits): Promise<Thread> {
  // Ancestors: follow in_reply_to_id upwards; a cycle (which a peer could forge) ends the walk.
  const ancestorIds: string[] = [];
  const seen = new Set([status.id]);
  let parentId = status.in_reply_to_id;
  while (parentId && !seen.has(parentId) && ancestorIds.length < limits.ancestors) {
    seen.add(parentId);
    ancestorIds.push(parentId);
    const parent = await ctx.db.selectFrom("statuses").select("in_reply_to_id").where("id", "=", parentId).executeTakeFirst();
    parentId = parent?.in_reply_to_id ?? null;
  }
  // Descendants: one recursive query over the in_reply_to_id index, bounded.
  const descendantRows = await sql<{ id: string; in_reply_to_id: string }>`
    WITH RECURSIVE descendants(id, in_reply_to_id, depth) AS (
      SELECT id, in_reply_to_id, 1 FROM statuses WHERE in_reply_to_id = ${status.id}
      UNION
      SELECT s.id, s.in_reply_to_id, d.depth + 1 FROM statuses s JOIN descendants d ON s.in_reply_to_id = d.id WHERE d.depth < 256
    )
    SELECT id, in_reply_to_id FROM descendants LIMIT ${limits.descendants * 4}`.execute(ctx.db);
  const visible = await keepVisible(ctx, [...ancestorIds, ...descendantRows.rows.map((row) => row.id)], viewerId);

  const ancestors = ancestorIds
    .reverse()
    .map((id) => visible.get(id))
    .filter((row): row is StatusRow => row !== undefined);
  const children = new Map<string, string[]>();
  for (const row of descendantRows.rows) children.set(row.in_reply_to_id, [...(children.get(row.in_reply_to_id) ?? []), row.id]);
  const descendants: StatusRow[] = [];
  const walk = (id: string) => {
    for (const childId of (children.get(id) ?? []).sort()) {
      if (descendants.length >= limits.descendants) return;
      const child = visible.get(childId);
      // A hidden reply leaves its own replies in place, as Mastodon filters each status on its own.
      if (child) descendants.push(child);
      walk(childId);
    }
  };
  walk(status.id);
  return { ancestors, descendants };
}
