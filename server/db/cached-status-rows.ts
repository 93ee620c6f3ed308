import type { Kysely, Selectable } from "kysely";
import { markPageReadCaches, statusRowCacheOf } from "./page-read-caches.ts";
import { queryByIds } from "./queries-by-ids.ts";
import { sameRow } from "./same-row.ts";
import type { DatabaseSchema, StatusesTable } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;
type StatusRow = Selectable<StatusesTable>;

const statusesByIds = queryByIds((db, ids) => db.selectFrom("statuses").selectAll().where("id", "in", ids));

/**
 * The rows of these statuses, by id (an id with no row is absent), those the status rows' cache
 * (page-read-caches.ts) does not hold read in one query. A page rendered fresh after a post read its forty
 * rows again, joined to its feed, though only the new one had changed (issue #19). The rows are shared by
 * every page that reads them: read them, never change them. `pageMark` is the page's one look at the caches
 * (markPageReadCaches), or none to take one here.
 */
export async function statusRowsByIds(db: Db, ids: readonly string[], pageMark?: number): Promise<Map<string, StatusRow>> {
  const rows = new Map<string, StatusRow>();
  if (ids.length === 0) return rows;
  const cache = statusRowCacheOf<StatusRow>(db);
  const since = pageMark ?? markPageReadCaches(db) ?? 0;
  const missing: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached) rows.set(id, cached);
    else if (!rows.has(id)) missing.push(id);
  }
  if (missing.length === 0) return rows;
  for (const read of await statusesByIds(db, [...new Set(missing)])) {
    // Read again after another connection's commit emptied the cache, and the same: the former object, by
    // which a status's shortcodes are kept (status-bundle.ts).
    const former = cache?.former(read.id);
    const row = former !== undefined && sameRow(former, read) ? former : read;
    rows.set(row.id, row);
    cache?.keep(since, row.id, row);
  }
  return rows;
}

/** The rows of these ids in their order, leaving out any with no row (deleted since the ids were read). */
export async function statusRowsInOrder(db: Db, ids: readonly string[], pageMark?: number): Promise<StatusRow[]> {
  const rows = await statusRowsByIds(db, ids, pageMark);
  const ordered: StatusRow[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row) ordered.push(row);
  }
  return ordered;
}
