// Loaded into a benchmarked server with BENCH_NODE_ARGS="--import ./bench/cpu-split-preload.ts" (never by Hearth
// itself): on SIGUSR2 it appends one JSON line to BENCH_CPU_SPLIT_FILE with the CPU the process has used so far,
// all its threads and the main thread alone, and the time the main thread spent paused in V8's collector, by
// kind, so a benchmark can tell what a request's CPU went to between two signals (bench/fresh-page-split.ts).
import { appendFileSync } from "node:fs";
import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";

export interface CpuSplit {
  allThreadsMs: number;
  mainThreadMs: number;
  gcPauseMs: Record<string, number>;
}

const file = process.env.BENCH_CPU_SPLIT_FILE;
// perf_hooks' kinds: 1 a scavenge of the young generation, 2 a full mark-compact, 4 a step of incremental marking, 8 weak callbacks.
const KINDS: Record<number, string> = { 1: "minor", 2: "major", 4: "incremental", 8: "weakCallbacks" };

if (file) {
  const gcPauseMs: Record<string, number> = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      const kind = KINDS[entry.detail?.kind ?? 0] ?? "other";
      gcPauseMs[kind] = (gcPauseMs[kind] ?? 0) + entry.duration;
    }
  }).observe({ entryTypes: ["gc"] });
  process.on("SIGUSR2", () => {
    const all = process.cpuUsage();
    const main = process.threadCpuUsage();
    const split: CpuSplit = { allThreadsMs: (all.user + all.system) / 1000, mainThreadMs: (main.user + main.system) / 1000, gcPauseMs: { ...gcPauseMs } };
    appendFileSync(file, `${JSON.stringify(split)}\n`);
  });
}
