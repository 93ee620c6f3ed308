import { sql, type Kysely } from "kysely";

// What the visibility rule reads of a status (its author, visibility and the status it boosts), beside its id,
// so that the home feed's page and a page of notifications' visible ids are read from this index alone: each
// probe fetched the status's whole row (its HTML and all), the largest cost of a fresh page (issue #19).
//
// Without statistics for it SQLite takes the id's own unique index for `id = ?` (it promises one row), and the
// row is read anyway. The row written to sqlite_stat1 says what is true of this index (an id names one status)
// and nothing of the others; the table's size is the one already measured for statuses if ANALYZE ever ran,
// else SQLite's own default (1,048,576), so every other plan on statuses is as before. A later ANALYZE
// replaces it with measured figures that say the same. ANALYZE sqlite_schema creates sqlite_stat1 if missing
// and analyses nothing; the second one makes this connection load the row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX statuses_visibility_facts ON statuses (id, account_id, visibility, reblog_of_id)`.execute(db);
  await sql`ANALYZE sqlite_schema`.execute(db);
  await sql`
    INSERT INTO sqlite_stat1 (tbl, idx, stat)
    SELECT 'statuses', 'statuses_visibility_facts', coalesce(
      (SELECT substr(stat, 1, instr(stat || ' ', ' ') - 1) FROM sqlite_stat1 WHERE tbl = 'statuses' AND idx = 'sqlite_autoindex_statuses_1'),
      '1048576'
    ) || ' 1 1 1 1'
  `.execute(db);
  await sql`ANALYZE sqlite_schema`.execute(db);
}
