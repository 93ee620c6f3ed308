import type Database from "better-sqlite3";

export interface StatementRun {
  source: string;
  args: unknown[];
}

/**
 * The statements whose SQL matches `pattern` that run through Statement#all on any connection while `work`
 * runs, with their parameters: how a test counts what a page reads (page-read caches) or reads its plans.
 * `sqlite` only gives better-sqlite3's Statement prototype, shared by every connection.
 */
export async function statementsRunDuring(sqlite: Database.Database, pattern: RegExp, work: () => Promise<unknown>): Promise<StatementRun[]> {
  const prototype = Object.getPrototypeOf(sqlite.prepare("SELECT 1")) as { all: (...args: unknown[]) => unknown };
  const original = prototype.all;
  const seen: StatementRun[] = [];
  prototype.all = function (this: { source: string }, ...args: unknown[]) {
    if (pattern.test(this.source)) seen.push({ source: this.source, args });
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.all = original;
  }
  return seen;
}
