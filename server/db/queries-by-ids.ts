import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;

/** Lengths of id lists kept compiled, per query: a page's sizes repeat (40 statuses, their 20-odd authors). */
const MOST_LENGTHS = 64;

/**
 * A query whose only parameters are a list of ids (once, or repeated in a compound query), built and compiled
 * once per length of the list and then run with each list bound in place. Building a kysely query and
 * compiling it costs more than SQLite's few index probes for a page's mentions or media; a page runs a dozen
 * such queries, for every page rendered fresh (issue #19).
 *
 * The first compile of each length is checked: its parameters must be the ids, in order, repeated a whole
 * number of times. A query that binds anything else is refused at once rather than run with wrong values.
 */
export function queryByIds<Row>(build: (db: Db, ids: readonly string[]) => Compilable<Row>): (db: Db, ids: readonly string[]) => Promise<Row[]> {
  const compiledByDb = new WeakMap<Db, Map<number, { query: CompiledQuery<Row>; repeats: number }>>();
  return async (db, ids) => {
    let compiled = compiledByDb.get(db);
    if (!compiled) {
      compiled = new Map();
      compiledByDb.set(db, compiled);
    }
    let entry = compiled.get(ids.length);
    if (!entry) {
      const query = build(db, ids).compile();
      entry = { query, repeats: repeatsOf(query.parameters, ids) };
      if (compiled.size >= MOST_LENGTHS) compiled.delete(compiled.keys().next().value!);
      compiled.set(ids.length, entry);
      return (await db.executeQuery(query)).rows;
    }
    const parameters: string[] = [];
    for (let repeat = 0; repeat < entry.repeats; repeat++) parameters.push(...ids);
    const query: CompiledQuery<Row> = { ...entry.query, parameters };
    return (await db.executeQuery(query)).rows;
  };
}

function repeatsOf(parameters: readonly unknown[], ids: readonly string[]): number {
  const repeats = ids.length === 0 ? 0 : parameters.length / ids.length;
  const isIdsRepeated = Number.isInteger(repeats) && parameters.every((parameter, index) => parameter === ids[index % ids.length]);
  if (!isIdsRepeated) throw new Error(`A query by ids binds other parameters than its ids (${parameters.length} for ${ids.length} ids).`);
  return repeats;
}
