import { sql, type SelectQueryBuilder, type StringReference } from "kysely";

/**
 * A page of a newest-first list, as Mastodon's API asks for it: max_id (older than), since_id (newer than,
 * newest first), min_id (the page just newer than it, so it reads oldest first before being turned back).
 */
export interface PageRequest {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/** Orders and bounds a query on its time-sortable id column for one page. */
export function pageQuery<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: StringReference<DB, TB>,
  page: PageRequest,
): SelectQueryBuilder<DB, TB, O> {
  // Raw comparisons: Kysely cannot type a comparison on a column named by a generic parameter.
  const ref = sql.ref(column);
  let q = query;
  if (page.maxId) q = q.where(sql<boolean>`${ref} < ${page.maxId}`);
  if (page.sinceId) q = q.where(sql<boolean>`${ref} > ${page.sinceId}`);
  if (page.minId) q = q.where(sql<boolean>`${ref} > ${page.minId}`);
  return q.orderBy(column, page.minId ? "asc" : "desc").limit(page.limit);
}

/** Rows of a pageQuery, newest first whichever way they were read. */
export function pageRows<T>(rows: T[], page: PageRequest): T[] {
  return page.minId ? rows.reverse() : rows;
}
