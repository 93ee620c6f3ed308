// Where a search's time goes, part by part, in one process and one run (so a loaded machine slows every
// part alike): planning the text, the search SQL alone, and rendering the page, each as wall and CPU time
// (p50 of BENCH_PROFILE_RUNS), with SQLite's query plan of the search SQL. On a data directory bench/search.ts
// seeded and kept (BENCH_SEARCH_DATA_DIR): `node bench/search-profile.ts DATA_DIR`.
import { join } from "node:path";
import type { CompiledQuery } from "kysely";
import { toStatuses } from "../server/api/entities/status.ts";
import { systemClock } from "../server/core/clock.ts";
import { createCoreContext } from "../server/core/context.ts";
import { parseSearchQuery } from "../server/core/search/search-query.ts";
import { searchStatusText } from "../server/core/search/status-search.ts";
import { openDatabase } from "../server/db/connection.ts";

const RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 20);
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zu", "pe", "da", "gho", "bri", "stel", "quon", "fa", "ju", "wex", "yor", "hul"];
const word = (n: number) => `${SYLLABLES[n % 20]}${SYLLABLES[Math.floor(n / 20) % 20]}${SYLLABLES[Math.floor(n / 400) % 20]}`;

const dataDir = process.argv[2];
if (!dataDir) throw new Error("Usage: node bench/search-profile.ts DATA_DIR");
const { sqlite, db } = openDatabase(join(dataDir, "hearth.db"));
const owner = sqlite.prepare("SELECT id FROM accounts WHERE username = 'bench' AND domain IS NULL").get() as { id: string };
const origin = "https://bench.example";

const queries: Record<string, string> = {
  word: word(777),
  phrase: `"${word(1)} ${word(2)}"`,
  twoOperatorsAndWord: `from:me has:media ${word(777)}`,
  partOfWord: word(777).slice(1, 5),
  pageThree: word(777),
};

async function timed(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await run();
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const p50 = (values: number[]) => Math.round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]! * 10) / 10;
  return { wallMs: p50(walls), cpuMs: p50(cpus) };
}

const results: Record<string, unknown> = {};
for (const [name, q] of Object.entries(queries)) {
  const query = parseSearchQuery(q);
  const offset = name === "pageThree" ? 40 : 0;
  const ctx = createCoreContext(db, systemClock);
  const search = () => searchStatusText(ctx, { query, viewerId: owner.id, origin, limit: 20, offset });
  const rows = await search();
  const plans: string[] = [];
  const sqlOf = await captureSql(search);
  for (const statement of sqlOf) {
    if (!/^select/i.test(statement.sql)) continue;
    const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...(statement.parameters as unknown[]).map((p) => (typeof p === "boolean" ? Number(p) : p))) as { detail: string }[];
    plans.push(`${statement.sql.slice(0, 200)}…\n    ${plan.map((row) => row.detail).join("\n    ")}`);
  }
  results[name] = {
    q,
    offset,
    found: rows.length,
    statements: sqlOf.length,
    search: await timed(search),
    render: await timed(() => toStatuses(ctx, rows, owner.id, origin, { filterContext: "public" })),
    plans,
  };
}
console.log(JSON.stringify(results, null, 2));
sqlite.close();

/** Every statement kysely sends while `run` runs, by wrapping the connection's executeQuery. */
async function captureSql(run: () => Promise<unknown>): Promise<CompiledQuery[]> {
  const seen: CompiledQuery[] = [];
  const executor = db.getExecutor();
  const original = executor.executeQuery.bind(executor);
  executor.executeQuery = (async (compiledQuery: CompiledQuery, ...rest: unknown[]) => {
    seen.push(compiledQuery);
    return (original as (...args: unknown[]) => Promise<unknown>)(compiledQuery, ...rest);
  }) as typeof executor.executeQuery;
  try {
    await run();
  } finally {
    executor.executeQuery = original;
  }
  return seen;
}
