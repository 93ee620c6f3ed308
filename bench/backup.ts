// A backup while the server serves: 1,000,000 statuses seeded as bench/timeline-latency.ts seeds them, then
// the home timeline (limit 40, rendered for every request: a parameter the API ignores makes each URL new)
// under autocannon at 50 concurrent connections, first alone, then while a backup made through
// /api/hearth/backups runs. Prints the backup's MB/s (alone, with its CPU time, and under the load), how long
// each of its steps took, and the API's p99 before and during, beside issue #17's asks; asserts nothing.
// BENCH_STATUSES seeds fewer statuses (a loaded machine); BENCH_BACKUP_DEADLINE_S bounds each backup (default
// 30 min); BENCH_NODE_ARGS profiles the server (bench/hearth-process.ts).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { hearth, serveHearth, setUpBenchOwner } from "./hearth-process.ts";

const STATUSES = Number(process.env.BENCH_STATUSES ?? 1_000_000);
// BENCH_CONNECTIONS: fewer connections leave no request waiting out autocannon's timeout on a loaded machine.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BEFORE_S = Number(process.env.BENCH_DURATION_S ?? 15);
const WARM_UP_S = 3;
const BACKUP_DEADLINE_MS = Number(process.env.BENCH_BACKUP_DEADLINE_S ?? 1800) * 1000;
// A poll the loaded server does not answer within this is abandoned and made again: one slow answer must not
// end the run (the first one did, on a machine shared by seven), but the whole backup has its deadline.
const POLL_TIMEOUT_MS = 5000;
const SEEDER = fileURLToPath(new URL("./timeline-latency.ts", import.meta.url));

interface BackupsEntity {
  running: { step: string | null } | null;
  last_outcome: { kind: string; file: string | null; error: string | null; finished_at: string } | null;
}

type Api = (path: string, method?: string) => Promise<BackupsEntity>;

class Refused extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function apiCall(base: string, token: string, path: string, method: string): Promise<BackupsEntity> {
  const response = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
  if (!response.ok) throw new Refused(response.status, `${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as BackupsEntity;
}

/** The call's answer, made again after a timeout or a dropped connection until the deadline; a refusal ends it. */
async function pollUntil<T>(call: () => Promise<T>, deadline: number): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof Refused || Date.now() > deadline) throw error;
      console.error(`A poll failed (${(error as Error).message}); asking again (attempt ${attempt + 1}).`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
    }
  }
}

/** Asks for the backup; a POST retried after its answer was lost finds it running (409) and takes that as started. */
async function startBackup(api: Api, deadline: number): Promise<void> {
  let sent = false;
  await pollUntil(async () => {
    try {
      return await api("/api/hearth/backups", "POST");
    } catch (error) {
      if (sent && error instanceof Refused && error.status === 409) return undefined;
      throw error;
    } finally {
      sent = true;
    }
  }, deadline);
}

/** Asks for a backup and polls until it has ended: its seconds, each step's share of them, and how it ended. */
async function runBackup(api: Api): Promise<{ seconds: number; steps: Map<string, number>; status: BackupsEntity }> {
  const started = performance.now();
  const deadline = Date.now() + BACKUP_DEADLINE_MS;
  await startBackup(api, deadline);
  // Each step's share of the time, as the progress the web client polls names them.
  const steps = new Map<string, number>();
  let step = "starting";
  let stepStarted = performance.now();
  for (;;) {
    const status = await pollUntil(() => api("/api/hearth/backups"), deadline);
    const now = performance.now();
    const current = status.running ? (status.running.step ?? "starting") : "done";
    if (current !== step) {
      steps.set(step, (steps.get(step) ?? 0) + (now - stepStarted));
      step = current;
      stepStarted = now;
    }
    if (!status.running) {
      if (status.last_outcome?.error || !status.last_outcome?.file) throw new Error(`The backup failed: ${status.last_outcome?.error}`);
      return { seconds: (performance.now() - started) / 1000, steps, status };
    }
    if (Date.now() > deadline) throw new Error(`The backup did not end within ${BACKUP_DEADLINE_MS / 1000} s (at the step "${step}").`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function loadOptions(base: string, token: string) {
  let request = 0;
  return {
    url: `${base}/api/v1/timelines/home`,
    connections: CONNECTIONS,
    headers: { Authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req: object) => ({ ...req, path: `/api/v1/timelines/home?limit=40&request=${request++}` }) }],
  };
}

function figures(result: autocannon.Result) {
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

async function measure(): Promise<void> {
  // BENCH_BACKUP_DATA_DIR keeps the seeded data directory there and reuses it on the next run.
  const keptDir = process.env.BENCH_BACKUP_DATA_DIR;
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), "hearth-bench-backup-"));
  const backupsDir = join(dataDir, "backups");
  try {
    let seedSeconds = 0;
    if (!existsSync(join(dataDir, "hearth.db"))) {
      const ownerId = setUpBenchOwner(dataDir);
      const seeded = execFileSync(process.execPath, [SEEDER, "seed", join(dataDir, "hearth.db"), ownerId], {
        encoding: "utf8",
        env: { ...process.env, BENCH_STATUSES: String(STATUSES) },
      });
      seedSeconds = (JSON.parse(seeded) as { seedSeconds: number }).seedSeconds;
    }
    rmSync(backupsDir, { recursive: true, force: true });
    const databaseBytes = statSync(join(dataDir, "hearth.db")).size;
    const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read write"]).trim();
    const instance = await serveHearth(dataDir);
    const base = instance.url;
    const api = (path: string, method = "GET") => apiCall(base, token, path, method);
    let during: autocannon.Instance | undefined;
    try {
      // The backup alone first (it also brings the database into the page cache, as the second one finds it):
      // its own CPU time, which a shared machine does not inflate, and its speed with nothing else to serve.
      const cpuAlone = instance.cpuMs();
      const alone = await runBackup(api);
      const aloneCpuMs = instance.cpuMs() - cpuAlone;
      await autocannon({ ...loadOptions(base, token), duration: WARM_UP_S });
      // The server's CPU time per request, beside the wall-clock latencies a shared machine inflates.
      const cpuBefore = instance.cpuMs();
      const before = figures(await autocannon({ ...loadOptions(base, token), duration: BEFORE_S }));
      const cpuBeforeMs = instance.cpuMs() - cpuBefore;

      // The same load for as long as the backup runs: started, then stopped once the backup has ended.
      const loadEnded = new Promise<autocannon.Result>((resolve, reject) => {
        during = autocannon({ ...loadOptions(base, token), duration: 3600 }, (error, result) => (error ? reject(error as Error) : resolve(result)));
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const cpuDuring = instance.cpuMs();
      const { seconds, steps, status } = await runBackup(api);
      during?.stop();
      during = undefined;
      const duringBackup = figures(await loadEnded);
      const cpuDuringMs = instance.cpuMs() - cpuDuring;
      const backupBytes = statSync(status.last_outcome!.file!).size;
      const mb = (bytes: number) => round1(bytes / 1024 / 1024);
      const round1 = (value: number) => Math.round(value * 10) / 10;
      const stepSeconds = (of: Map<string, number>) => Object.fromEntries([...of].map(([name, ms]) => [name, round1(ms / 1000)]));
      const p99Ratio = Math.round((duringBackup.p99Ms / Math.max(before.p99Ms, 1)) * 100) / 100;
      const cpuPerRequest = (ms: number, requests: number) => Math.round((ms / Math.max(requests, 1)) * 100) / 100;
      console.log(
        JSON.stringify(
          {
            benchmark: "backup",
            node: process.versions.node,
            loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
            statuses: STATUSES,
            connections: CONNECTIONS,
            seedSeconds,
            databaseMB: mb(databaseBytes),
            backupFileMB: mb(backupBytes),
            backupAlone: {
              seconds: round1(alone.seconds),
              databaseMBPerSecond: round1(mb(databaseBytes) / alone.seconds),
              serverCpuSeconds: round1(aloneCpuMs / 1000),
              databaseMBPerServerCpuSecond: round1(mb(databaseBytes) / (aloneCpuMs / 1000)),
              stepSeconds: stepSeconds(alone.steps),
            },
            backupUnderLoadSeconds: round1(seconds),
            backupUnderLoadDatabaseMBPerSecond: round1(mb(databaseBytes) / seconds),
            stepSecondsUnderLoad: stepSeconds(steps),
            homeTimelineBeforeBackup: { ...before, serverCpuMsPerRequest: cpuPerRequest(cpuBeforeMs, before.requests) },
            // Includes the backup's own CPU on the server's threads (the worker's copy, the packing).
            homeTimelineDuringBackup: { ...duringBackup, serverCpuMsPerRequest: cpuPerRequest(cpuDuringMs, duringBackup.requests) },
            // Issue #17 names no number: it asks that the server keep serving while a backup runs, and for the MB/s.
            againstTargets: {
              backupDatabaseMBPerSecond: `${round1(mb(databaseBytes) / alone.seconds)} MB/s alone, ${round1(mb(databaseBytes) / seconds)} MB/s under the load (${mb(databaseBytes)} MB of database): no target, reported`,
              p99DuringOverBefore: `${p99Ratio}x (${duringBackup.p99Ms} ms during, ${before.p99Ms} ms before): the server keeps serving; far worse than 3x is a fault`,
              requestsPerSecondDuringOverBefore: Math.round((duringBackup.requestsPerSecond / Math.max(before.requestsPerSecond, 1)) * 100) / 100,
            },
          },
          null,
          2,
        ),
      );
    } finally {
      during?.stop();
      await instance.stop();
    }
  } finally {
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
    else rmSync(backupsDir, { recursive: true, force: true });
  }
}

await measure();
