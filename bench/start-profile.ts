// Where a `hearth serve` start goes, for issue #19's cold start: one start as bench/cold-start-and-memory.ts
// makes it (bin/hearth.js, so the bundle when it is built and fresh, its compile cache warm from a first start),
// run with --cpu-prof and --trace-gc. Prints the collections V8 made before the first /healthz answer (each
// with its pause and reason) and the functions and files with the most self time. The profile also holds the
// short stop after the answer; the collections are cut at the answer. Prints text; asserts nothing.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freshBundle } from "../bin/server-bundle.js";
import { cpuMsOf } from "./hearth-process.ts";

const HEARTH = fileURLToPath(new URL("../bin/hearth.js", import.meta.url));
const TOP = 20;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function untilHealthy(url: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error("Hearth did not answer /healthz within 60 s.");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** One start to the first /healthz; the V8 flags go to the serving process (bin/hearth.js passes them on). */
async function start(dataDir: string, flags: string[]): Promise<{ gcLines: string[]; coldStartMs: number; startCpuMs: number }> {
  const port = 18_330 + Math.floor(Math.random() * 1000);
  const started = performance.now();
  const child = spawn(process.execPath, [...flags, HEARTH, "serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "warning"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  await untilHealthy(`http://127.0.0.1:${port}`);
  const coldStartMs = Math.round(performance.now() - started);
  const startCpuMs = Math.round(cpuMsOf(child.pid!));
  const beforeAnswer = stdout;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  const gcLines = beforeAnswer.split("\n").filter((line) => /\d+ ms: (Scavenge|Mark-Compact|Minor)/.test(line));
  return { gcLines: gcLines.map((line) => line.replace(/^\[[^\]]*\]\s*/, "")), coldStartMs, startCpuMs };
}

function selfTimes(profile: CpuProfile): { byFunction: Map<string, number>; byFile: Map<string, number>; totalMs: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") return;
    const us = profile.timeDeltas[index] ?? 0;
    total += us;
    const file = frame.url ? basename(frame.url) : frame.functionName;
    const name = `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  });
  return { byFunction, byFile, totalMs: total / 1000 };
}

const CALLERS_SHOWN = 8;
const CALLER_DEPTH = 4;

function frameName(frame: ProfileNode["callFrame"]): string {
  return `${frame.functionName || "(anonymous)"} ${frame.url ? `${basename(frame.url)}:${frame.lineNumber + 1}` : ""}`.trim();
}

/**
 * For each of the functions with the most self time, the call chain above it that holds most of that time: who
 * makes Node compile a module or an expression says more than the compiling function does (it is how listen()'s
 * isIPv6 and node:http's loading of undici were found, issue #19).
 */
function callersOfTop(profile: CpuProfile, byFunction: Map<string, number>): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfOf = new Map<number, number>();
  profile.samples.forEach((id, index) => selfOf.set(id, (selfOf.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const shown = [...byFunction]
    .filter(([name]) => !name.startsWith("("))
    .sort((a, b) => b[1] - a[1])
    .slice(0, CALLERS_SHOWN);
  return shown
    .map(([name]) => {
      const chains = new Map<string, number>();
      for (const [id, us] of selfOf) {
        const frame = nodes.get(id)!.callFrame;
        const key = `${frame.functionName || "(anonymous)"} ${frame.url ? basename(frame.url) : frame.functionName}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
        if (key !== name) continue;
        const chain: string[] = [];
        for (let parent = parents.get(id); parent !== undefined && chain.length < CALLER_DEPTH; parent = parents.get(parent)) chain.push(frameName(nodes.get(parent)!.callFrame));
        const joined = chain.join(" < ");
        chains.set(joined, (chains.get(joined) ?? 0) + us);
      }
      const [chain, us] = [...chains].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
      return `  ${String(Math.round(us / 1000)).padStart(5)} ms  ${name} < ${chain}`;
    })
    .join("\n");
}

function top(times: Map<string, number>): string {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, us]) => `  ${String(Math.round(us / 1000)).padStart(5)} ms  ${name}`)
    .join("\n");
}

const work = mkdtempSync(join(tmpdir(), "hearth-start-profile-"));
try {
  const dataDir = join(work, "data");
  execFileSync(process.execPath, [HEARTH, "setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], { input: "a bench password\n" });
  // A first start with the same flags, as the figures' warm starts have it behind them: Node keeps a compile
  // cache for each set of V8 flags, and the data directory is then a used one.
  await start(dataDir, ["--cpu-prof", "--cpu-prof-dir", join(work, "warm-up"), "--trace-gc"]);
  const profiles = join(work, "profiles");
  const { gcLines, coldStartMs, startCpuMs } = await start(dataDir, ["--cpu-prof", "--cpu-prof-dir", profiles, "--trace-gc"]);
  // The serving process's profile: the largest (a short-lived helper process may write one of its own).
  const file = readdirSync(profiles)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort((a, b) => statSync(join(profiles, b)).size - statSync(join(profiles, a)).size)[0];
  if (!file) throw new Error("The serving process wrote no CPU profile.");
  const profile = JSON.parse(readFileSync(join(profiles, file), "utf8")) as CpuProfile;
  const { byFunction, byFile, totalMs } = selfTimes(profile);
  const pauses = gcLines.map((line) => Number(/MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \//.exec(line)?.[1] ?? 0));
  console.log(`start-profile: ${freshBundle() ? "bundle (server-bundle/)" : "sources (run `npm run build:server` for the bundle)"}, node ${process.versions.node}, load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  console.log(`profiled start (profiler on, so slower than bench/cold-start-and-memory.ts): ${coldStartMs} ms to /healthz, ${startCpuMs} ms CPU; target 500 ms to /healthz`);
  console.log(`collections before the first answer: ${gcLines.filter((line) => /Scavenge|Minor/.test(line)).length} young, ${gcLines.filter((line) => /Mark-Compact/.test(line)).length} full, ${Math.round(pauses.reduce((sum, ms) => sum + ms, 0))} ms paused`);
  for (const line of gcLines) console.log(`  ${line.replace(/\s*\(average mu.*?\)/, "").trim()}`);
  console.log(`self time, main thread, to the process's end: ${Math.round(totalMs)} ms\nby function:\n${top(byFunction)}\nby file:\n${top(byFile)}\nwho calls them (the chain holding most of each one's self time):\n${callersOfTop(profile, byFunction)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
