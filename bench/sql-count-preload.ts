// Bench only: preloaded into `hearth serve` with BENCH_NODE_ARGS="--import ./bench/sql-count-preload.ts"
// and BENCH_SQL_LOG=FILE, it counts each SQL statement run (by its text) and writes the counts to FILE as
// JSON when the process exits, so a page's queries can be counted without touching the server's code.
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";

const file = process.env.BENCH_SQL_LOG;
if (file) {
  const probe = new Database(":memory:");
  const statementPrototype = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const counts = new Map<string, number>();
  for (const method of ["all", "get", "run", "iterate"]) {
    const original = statementPrototype[method]!;
    statementPrototype[method] = function (this: { source: string }, ...args: unknown[]) {
      counts.set(this.source, (counts.get(this.source) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  process.on("exit", () => {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]).map(([sql, count]) => ({ count, sql }));
    writeFileSync(file, JSON.stringify(sorted, null, 2));
  });
}
