// Bench only: preloaded into `hearth serve` with BENCH_NODE_ARGS="--import ./bench/sql-count-preload.ts"
// and BENCH_SQL_LOG=FILE, it counts each SQL statement run (by its text) and writes the counts to FILE as
// JSON when the process exits, with the CPU time each took (the thread's, so that other processes on a
// loaded machine do not count; mostly SQLite's, with better-sqlite3's turning rows into objects), so a page's queries can be counted without touching the server's code.
// wallMs beside it is the time the thread was held, CPU or not: a commit's fsync, or a checkpoint's, waits on the disk there.
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";

const file = process.env.BENCH_SQL_LOG;
if (file) {
  const probe = new Database(":memory:");
  const statementPrototype = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const counts = new Map<string, { count: number; ms: number; wallMs: number }>();
  for (const method of ["all", "get", "run", "iterate"]) {
    const original = statementPrototype[method]!;
    statementPrototype[method] = function (this: { source: string }, ...args: unknown[]) {
      const started = process.threadCpuUsage();
      const wallStarted = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const entry = counts.get(this.source) ?? { count: 0, ms: 0, wallMs: 0 };
        entry.count += 1;
        entry.wallMs += performance.now() - wallStarted;
        const used = process.threadCpuUsage(started);
        entry.ms += (used.user + used.system) / 1000;
        counts.set(this.source, entry);
      }
    };
  }
  process.on("exit", () => {
    const sorted = [...counts]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([sql, { count, ms, wallMs }]) => ({ count, ms: Math.round(ms), msEach: Math.round((ms / count) * 1000) / 1000, wallMs: Math.round(wallMs), sql }));
    writeFileSync(file, JSON.stringify(sorted, null, 2));
  });
}
