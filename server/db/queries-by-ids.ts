import type { Compilable, Kysely } from "kysely";
import { compiledQuery } from "./compiled-queries.ts";
import type { DatabaseSchema } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;

/**
 * A query whose only argument is a list of ids (a page's mentions, media, authors): compiledQuery's, compiled
 * once per length of the list and run with each list bound in place, for the callers that have ids alone.
 */
export function queryByIds<Row>(build: (db: Db, ids: readonly string[]) => Compilable<Row>): (db: Db, ids: readonly string[]) => Promise<Row[]> {
  const query = compiledQuery((db, { ids }: { ids: readonly string[] }) => build(db, ids));
  return (db, ids) => query(db, { ids });
}
