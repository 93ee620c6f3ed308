import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;

/** What a compiled query binds anew on each run: a value, a missing value, or a list of ids. */
export type QueryArgument = string | number | null | readonly string[];
export type QueryArguments = Record<string, QueryArgument>;

/** Shapes kept compiled, per query: a page's lists have a few lengths each. */
const MOST_SHAPES = 64;

/** Where each parameter of a compiled query comes from: an argument (by name, and index in a list), or a constant. */
type Slot = { name: string; index: number } | { constant: unknown };

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  slots: Slot[];
}

/**
 * A query built with kysely, compiled once per shape of its arguments and then run with the arguments bound in
 * place (queries-by-ids.ts wraps it for lists of ids alone). Building and compiling a timeline's query, its
 * exclusions or the viewer's marks costs more than SQLite's index probes for them, and every page rendered
 * fresh paid it again (issue #19).
 *
 * `build` may depend on its arguments only through their shape: whether each is null (or empty), the length of
 * each list, and the `shape` the caller gives for anything else (a page's limit), which is part of the key.
 * Every other value must reach the SQL as a bound parameter. This is checked on the first compile of a shape,
 * made with stand-ins and compared with the query built from the real values: a query that read a value rather
 * than binding it (or bound it changed) is refused at once rather than run with the wrong values later.
 */
export function compiledQuery<Args extends QueryArguments, Row, Shape extends string | number = string>(
  build: (db: Db, args: Args, shape: Shape) => Compilable<Row>,
): (db: Db, args: Args, shape?: Shape) => Promise<Row[]> {
  // One compile serves every handle: the database's, a write's transaction, another instance's. Hearth builds
  // every handle with the same dialect and no plugins (db/connection.ts), so a query's text and parameters do
  // not depend on the handle, and executeQuery runs it on the connection of the handle it is given. Kept per
  // handle, a query run inside a write was compiled again at every write (issue #19).
  const compiled = new Map<string, Compiled<Row>>();
  return async (db, args, shape = "" as Shape) => {
    const key = `${shape}|${shapeOf(args)}`;
    let entry = compiled.get(key);
    if (!entry) {
      entry = compileShape(db, (db, args) => build(db, args, shape), args);
      if (compiled.size >= MOST_SHAPES) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, entry);
    }
    const parameters = bind(entry.slots, args);
    const query: CompiledQuery<Row> = { ...entry.query, parameters };
    return (await db.executeQuery(query)).rows;
  };
}

function shapeOf(args: QueryArguments): string {
  let shape = "";
  for (const name in args) {
    const value = args[name];
    shape += `${name}:${value === null ? "n" : typeof value === "number" ? "d" : typeof value === "string" ? (value === "" ? "e" : "s") : value!.length};`;
  }
  return shape;
}

/** Stand-ins for the arguments, unique to this compile: a NUL never occurs in the values Hearth binds. */
function standInsFor<Args extends QueryArguments>(args: Args): { standIns: Args; slotOf: Map<string, Slot> } {
  const standIns: QueryArguments = {};
  const slotOf = new Map<string, Slot>();
  for (const name in args) {
    const value = args[name]!;
    if (value === null || value === "") {
      standIns[name] = value;
    } else if (typeof value === "string" || typeof value === "number") {
      // A number stands in as a string too: the stand-in is only compiled, never run.
      const standIn = `\u0000${name}`;
      standIns[name] = standIn;
      slotOf.set(standIn, { name, index: 0 });
    } else {
      standIns[name] = value.map((_, index) => {
        const standIn = `\u0000${name}:${index}`;
        slotOf.set(standIn, { name, index });
        return standIn;
      });
    }
  }
  return { standIns: standIns as Args, slotOf };
}

function bind<Args extends QueryArguments>(slots: readonly Slot[], args: Args): unknown[] {
  return slots.map((slot) => {
    if ("constant" in slot) return slot.constant;
    const value = args[slot.name]!;
    return typeof value === "string" || typeof value === "number" ? value : (value as readonly string[])[slot.index];
  });
}

/**
 * Compiled with stand-ins for the arguments, and checked against the query compiled with the real ones: the
 * same text, and the stand-ins' places bound with the real values give the real parameters.
 */
function compileShape<Args extends QueryArguments, Row>(db: Db, build: (db: Db, args: Args) => Compilable<Row>, args: Args): Compiled<Row> {
  const { standIns, slotOf } = standInsFor(args);
  const query = build(db, standIns).compile();
  const slots = query.parameters.map((parameter): Slot => (typeof parameter === "string" && slotOf.has(parameter) ? slotOf.get(parameter)! : { constant: parameter }));
  const isAnyValueChanged = slots.some((slot) => "constant" in slot && typeof slot.constant === "string" && slot.constant.includes("\u0000"));
  if (isAnyValueChanged) throw new Error("A compiled query changes an argument before binding it; it would run with the first values it saw.");
  const real = build(db, args).compile();
  const bound = bind(slots, args);
  const isSame = real.sql === query.sql && real.parameters.length === bound.length && real.parameters.every((parameter, index) => Object.is(parameter, bound[index]));
  if (!isSame) throw new Error("A compiled query reads one of its arguments instead of binding it; it would run with the first values it saw.");
  return { query, slots };
}
