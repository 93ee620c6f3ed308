import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";

/**
 * Reading one FTS5 index's matches in order, a batch at a time, as status ids. FTS5 does the ordering itself
 * and nothing else: joining every match to `statuses` to check who may see it before ranking cost more than
 * the ranking (at 1M statuses a common word has thousands of matches, and a page shows twenty), so the
 * caller reads a batch, keeps the statuses the viewer may see, and reads on only if the page is not full.
 */

export type SearchIndex = "status_search" | "status_search_trigram";

export interface IndexRead {
  index: SearchIndex;
  /** An FTS5 MATCH expression (text-match-plan.ts's ftsString makes its strings). */
  match: string;
  /**
   * rank: bm25 first, the newest among equals; FTS5 scores every match to sort them, so a batch costs as
   * much as all. newest: by id, which FTS5 walks in order and stops after the batch.
   */
  order: "rank" | "newest";
  /** Only statuses with ids below / above these (max_id, min_id), as rowid ranges FTS5 applies itself. */
  belowId?: string | null;
  aboveId?: string | null;
}

// A status id is 18 digits (core/ids.ts) and the search rowid is that number; another string compares with
// statuses.id as text only, which the caller's conditions still do.
const STATUS_ID = /^\d{18}$/;

function rowidBounds(read: IndexRead) {
  return [
    read.belowId && STATUS_ID.test(read.belowId) ? sql`AND rowid < ${BigInt(read.belowId)}` : sql``,
    read.aboveId && STATUS_ID.test(read.aboveId) ? sql`AND rowid > ${BigInt(read.aboveId)}` : sql``,
  ];
}

/** How many matches the read has, counting no further than just past `cap` (no scoring: a walk of ids). */
export async function countIndexMatches(db: Kysely<DatabaseSchema>, read: IndexRead, cap: number): Promise<number> {
  const bounds = rowidBounds(read);
  const row = await sql<{ count: number }>`SELECT count(*) AS count FROM (SELECT 1 FROM ${sql.table(read.index)} WHERE ${sql.table(read.index)} MATCH ${read.match} ${bounds[0]} ${bounds[1]} LIMIT ${cap + 1})`.execute(db);
  return row.rows[0]?.count ?? 0;
}

/** Up to `count` matches (all when null) after skipping `skip`, as status ids in the read's order. */
export async function readIndexMatches(db: Kysely<DatabaseSchema>, read: IndexRead, count: number | null, skip = 0): Promise<string[]> {
  const bounds = rowidBounds(read);
  const order = read.order === "rank" ? sql`ORDER BY rank, rowid DESC` : sql`ORDER BY rowid DESC`;
  const limit = count === null ? sql`` : sql`LIMIT ${count} OFFSET ${skip}`;
  // printf gives back the 18-digit key of statuses; the rowid as a JavaScript number would lose its last digits.
  const rows = await sql<{ id: string }>`SELECT printf('%018d', rowid) AS id FROM ${sql.table(read.index)} WHERE ${sql.table(read.index)} MATCH ${read.match} ${bounds[0]} ${bounds[1]} ${order} ${limit}`.execute(db);
  return rows.rows.map((row) => row.id);
}
