// Where a fresh page's CPU goes under the load of bench/timeline-latency.ts (50 connections), on the data
// directory it seeded and kept (BENCH_TIMELINE_DATA_DIR): the first home and notifications pages rendered for
// every request (each URL new), beside the same pages answered from recent-responses.ts (one URL), which pass
// through everything else a request does: Node's HTTP, the adapter, Hono's routing, CORS, the token, the rate
// limit, the cache lookup and writing the same bytes. The difference is the page's reading, rendering and
// serialising and the garbage it leaves; the collector's pauses on the main thread are given apart
// (bench/cpu-split-preload.ts), and what other threads used (V8's parallel collection and compilers). CPU,
// not wall time: on a shared machine the pauses are longer than the work in them. Prints JSON; asserts nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import type { CpuSplit } from "./cpu-split-preload.ts";
import { hearth, serveHearth } from "./hearth-process.ts";

const dataDir = process.env.BENCH_TIMELINE_DATA_DIR;
if (!dataDir || !existsSync(join(dataDir, "hearth.db"))) throw new Error("Give a data directory bench/timeline-latency.ts seeded and kept (BENCH_TIMELINE_DATA_DIR).");
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const WARM_UP = 500;

const folder = mkdtempSync(join(tmpdir(), "hearth-bench-split-"));
const splitFile = join(folder, "split.jsonl");
process.env.BENCH_CPU_SPLIT_FILE = splitFile;
process.env.BENCH_NODE_ARGS = `${process.env.BENCH_NODE_ARGS ?? ""} --import ./bench/cpu-split-preload.ts`;
const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read"]).trim();
const instance = await serveHearth(dataDir);

async function mark(): Promise<CpuSplit> {
  const before = existsSync(splitFile) ? readFileSync(splitFile, "utf8").split("\n").filter(Boolean).length : 0;
  instance.child.kill("SIGUSR2");
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    const lines = existsSync(splitFile) ? readFileSync(splitFile, "utf8").split("\n").filter(Boolean) : [];
    if (lines.length > before) return JSON.parse(lines.at(-1)!) as CpuSplit;
  }
  throw new Error("The server did not answer the signal within 10 s.");
}

let request = 0;
async function measure(path: string, isFresh: boolean) {
  const run = (amount: number) =>
    autocannon({
      url: `${instance.url}${path}?limit=40`,
      connections: 50,
      amount,
      headers: { Authorization: `Bearer ${token}` },
      ...(isFresh && { requests: [{ setupRequest: (options: object) => ({ ...options, path: `${path}?limit=40&request=${request++}` }) }] }),
    });
  await run(WARM_UP);
  const before = await mark();
  const result = await run(REQUESTS);
  const after = await mark();
  const each = (ms: number) => Math.round((ms / result.requests.total) * 1000) / 1000;
  const gcPauseMs = Object.values(after.gcPauseMs).reduce((sum, ms) => sum + ms, 0) - Object.values(before.gcPauseMs).reduce((sum, ms) => sum + ms, 0);
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    cpuMsPerRequest: each(after.allThreadsMs - before.allThreadsMs),
    mainThreadMsPerRequest: each(after.mainThreadMs - before.mainThreadMs),
    otherThreadsMsPerRequest: each(after.allThreadsMs - before.allThreadsMs - (after.mainThreadMs - before.mainThreadMs)),
    gcPauseMsPerRequest: each(gcPauseMs),
  };
}

try {
  const figures: Record<string, unknown> = {};
  for (const path of ["/api/v1/timelines/home", "/api/v1/notifications"]) {
    const fresh = await measure(path, true);
    const reused = await measure(path, false);
    figures[path] = { fresh, reused, freshMinusReusedCpuMs: Math.round((fresh.cpuMsPerRequest - reused.cpuMsPerRequest) * 1000) / 1000 };
  }
  console.log(JSON.stringify({ benchmark: "fresh-page-split", connections: 50, loadAverage: loadavg().map((n) => Math.round(n * 100) / 100), target: "< 0.7 CPU ms a fresh request (issue #19)", ...figures }, null, 2));
} finally {
  await instance.stop();
  rmSync(folder, { recursive: true, force: true });
}
