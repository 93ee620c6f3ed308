import type { Kysely, Selectable } from "kysely";
import { notificationRowCacheOf } from "./page-read-caches.ts";
import { queryByIds } from "./queries-by-ids.ts";
import type { DatabaseSchema } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;
type NotificationRow = Selectable<DatabaseSchema["notifications"]>;

const notificationsByIds = queryByIds((db, ids) => db.selectFrom("notifications").selectAll().where("id", "in", ids));

/**
 * The rows of these notifications in the order of `ids`, leaving out any with no row (dismissed since the ids
 * were read); those the notification rows' cache (page-read-caches.ts) does not hold are read in one query.
 * `since` is markPageReadCaches's answer from before the ids were read. The rows are shared by every page
 * that reads them: read them, never change them.
 */
export async function notificationRowsInOrder(db: Db, ids: readonly string[], since: number | undefined): Promise<NotificationRow[]> {
  if (ids.length === 0) return [];
  const cache = notificationRowCacheOf<NotificationRow>(db);
  const rows = new Map<string, NotificationRow>();
  const missing: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached) rows.set(id, cached);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const row of await notificationsByIds(db, missing)) {
      rows.set(row.id, row);
      if (since !== undefined) cache?.keep(since, row.id, row);
    }
  }
  const ordered: NotificationRow[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row) ordered.push(row);
  }
  return ordered;
}
