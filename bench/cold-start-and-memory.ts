// Cold start to the first /healthz answer, and the server's resident memory after start and after
// 1,000 authenticated API requests, each beside issue #19's target and a floor: a bare Node process that
// answers /healthz, started the same way. The CPU time the start took (the child's user + system time when
// /healthz first answers) is printed too: on a loaded machine it moves far less than the wall time. The same
// starts are made again, alternated with them, as the desktop app's Node launcher makes them (startedWithSettingsGiven:
// the flags and malloc's settings given by the starter, one Node). Prints JSON; asserts nothing.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freshBundle } from "../bin/server-bundle.js";
import { SERVER_START_FLAGS, withServerEnvironment } from "../bin/server-node-flags.js";
import { cpuMsOf } from "./hearth-process.ts";

// The `hearth` command as a person runs it (npx --no-install hearth serve, npm run serve): bin/hearth.js turns
// Node's compile cache on before the server loads (the bundle's own, else server/compile-cache.ts's), and
// re-executes itself once for malloc's settings (bin/server-node-flags.js): both are in the figures.
const HEARTH = fileURLToPath(new URL("../bin/hearth.js", import.meta.url));
const TARGETS = { coldStartToHealthzMs: 500, rssAfterStartMiB: Math.round((100e6 / 2 ** 20) * 10) / 10 };
const FLOOR_SERVER = `require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.argv[1]), "127.0.0.1")`;
const REQUESTS = 1_000;
const CONCURRENCY = 10;
const RUNS = 5;

function hearth(args: string[], stdin = ""): string {
  return execFileSync(process.execPath, [HEARTH, ...args], { input: stdin, encoding: "utf8" });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return Math.round((kib / 1024) * 10) / 10;
}

async function untilHealthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error("Hearth did not answer /healthz within 30 s.");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function measureFloor(port: number) {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", FLOOR_SERVER, String(port)], { stdio: "ignore" });
  await untilHealthy(`http://127.0.0.1:${port}`, started + 30_000);
  const figures = { coldStartMs: Math.round(performance.now() - started), startCpuMs: Math.round(cpuMsOf(child.pid!)), rssAfterStartMiB: rssMiB(child.pid!) };
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return figures;
}

/**
 * One start, measured. `settingsGiven`: started as the desktop app's Node launcher starts its server
 * (main/server-launchers.ts), with the start flags and malloc's settings given by the starter, so that the process
 * need not re-execute itself to have them; else as a person types `hearth serve`, which re-executes once.
 */
async function measureOnce(dataDir: string, port: number, token: string, settingsGiven = false) {
  const started = performance.now();
  const serve = [HEARTH, "serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "warning"];
  const child = spawn(process.execPath, settingsGiven ? [...SERVER_START_FLAGS, ...serve] : serve, {
    stdio: "ignore",
    env: settingsGiven ? withServerEnvironment() : process.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, started + 30_000);
  const coldStartMs = Math.round(performance.now() - started);
  const startCpuMs = Math.round(cpuMsOf(child.pid!));
  const rssAfterStartMiB = rssMiB(child.pid!);

  let sent = 0;
  const requestsStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < REQUESTS) {
        sent += 1;
        const response = await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } });
        if (!response.ok) throw new Error(`verify_credentials answered ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  const requestsPerSecond = Math.round(REQUESTS / ((performance.now() - requestsStarted) / 1000));
  const rssAfterRequestsMiB = rssMiB(child.pid!);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return { coldStartMs, startCpuMs, rssAfterStartMiB, rssAfterRequestsMiB, requestsPerSecond };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-"));
try {
  hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
  const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read"]).trim();
  const port = 18_330 + Math.floor(Math.random() * 1000);
  // The first start after the build: from the bundle, warm from the compile cache `npm run build:server` filled
  // (bin/server-bundle.js); from the sources, it fills Node's cache. The medians are of the starts after it.
  const firstStart = await measureOnce(dataDir, port, token);
  const runs = [];
  const settingsGivenRuns = [];
  // Alternated, so that a change in the machine's load falls on both.
  for (let run = 0; run < RUNS; run += 1) {
    runs.push(await measureOnce(dataDir, port, token));
    settingsGivenRuns.push(await measureOnce(dataDir, port, token, true));
  }
  const floors = [];
  for (let run = 0; run < RUNS; run += 1) floors.push(await measureFloor(port));
  const figures = {
    benchmark: "cold-start-and-memory",
    node: process.versions.node,
    // bin/hearth.js runs the server bundle when `npm run build:server` made it after every source change.
    server: freshBundle() ? "bundle (server-bundle/)" : "sources (run `npm run build:server` for the bundle)",
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    runs: RUNS,
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    coldStartToHealthzMs: { hearth: median(runs.map((r) => r.coldStartMs)), target: TARGETS.coldStartToHealthzMs, floor: median(floors.map((r) => r.coldStartMs)) },
    startCpuMs: { hearth: median(runs.map((r) => r.startCpuMs)), floor: median(floors.map((r) => r.startCpuMs)) },
    rssAfterStartMiB: { hearth: median(runs.map((r) => r.rssAfterStartMiB)), target: TARGETS.rssAfterStartMiB, floor: median(floors.map((r) => r.rssAfterStartMiB)) },
    rssAfter1000RequestsMiB: median(runs.map((r) => r.rssAfterRequestsMiB)),
    verifyCredentialsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    // The same start with the flags and malloc's settings given by its starter, as the desktop app's Node launcher
    // gives them: one Node, where `hearth serve` as typed starts a Node that re-executes itself once to have them.
    startedWithSettingsGiven: {
      coldStartToHealthzMs: { hearth: median(settingsGivenRuns.map((r) => r.coldStartMs)), target: TARGETS.coldStartToHealthzMs },
      startCpuMs: median(settingsGivenRuns.map((r) => r.startCpuMs)),
      rssAfterStartMiB: { hearth: median(settingsGivenRuns.map((r) => r.rssAfterStartMiB)), target: TARGETS.rssAfterStartMiB },
    },
    firstStartFillingTheCompileCache: firstStart,
    each: runs,
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
