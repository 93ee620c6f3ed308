import type Database from "better-sqlite3";

export interface StatementRun {
  source: string;
  args: unknown[];
}

/** Which statements to record: by their SQL, or by a test of it run at the call (so that it can read the stack). */
export type StatementMatch = RegExp | ((source: string) => boolean);

/**
 * The statements that `match` that run through Statement#all (or `method`) on any connection while `work`
 * runs, with their parameters: how a test counts what a page reads (page-read caches) or reads its plans.
 * `sqlite` only gives better-sqlite3's Statement prototype, shared by every connection.
 */
export async function statementsRunDuring(
  sqlite: Database.Database,
  match: StatementMatch,
  work: () => Promise<unknown>,
  method: "all" | "get" = "all",
): Promise<StatementRun[]> {
  const prototype = Object.getPrototypeOf(sqlite.prepare("SELECT 1")) as Record<typeof method, (...args: unknown[]) => unknown>;
  const original = prototype[method];
  const matches = typeof match === "function" ? match : (source: string) => match.test(source);
  const seen: StatementRun[] = [];
  prototype[method] = function (this: { source: string }, ...args: unknown[]) {
    if (matches(this.source)) seen.push({ source: this.source, args });
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype[method] = original;
  }
  return seen;
}
