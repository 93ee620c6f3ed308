// Memory under sustained use: a seeded instance takes 50,000 mixed client and federation requests (reads of
// timelines, notifications, statuses, accounts, search; posts and favourites; WebFinger and actor fetches)
// at 20 at a time, then sits idle for a minute. Prints the server's resident memory after start, its peak,
// at the end of the load (the plateau) and after the idle minute, beside the targets of issue #16 (under
// 250 MB at the plateau, under 150 MB after a minute idle: 238.4 and 143.1 MiB, the unit the sizes are
// printed in). Asserts nothing: the machine it runs on moves the figures.
// BENCH_MEMORY_REQUESTS, BENCH_MEMORY_STATUSES and BENCH_MEMORY_IDLE_S shorten it for a quick look.
// The server runs as installed (bin/hearth.js): the bundle when `npm run build:server` made it after every source
// change, as the desktop app and `npm run serve` run it; BENCH_MEMORY_SOURCES=1 runs server/cli.ts instead.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { freshBundle } from "../bin/server-bundle.js";
import { hearth, serveHearth } from "./hearth-process.ts";

const REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 50_000);
const STATUSES = Number(process.env.BENCH_MEMORY_STATUSES ?? 100_000);
const IDLE_S = Number(process.env.BENCH_MEMORY_IDLE_S ?? 60);
const CONCURRENCY = 20;
// The issue's targets are in MB (10^6 bytes), as bench/cold-start-and-memory.ts reads issue #19's 100 MB.
const mib = (megabytes: number) => Math.round((megabytes * 1e6 * 10) / 2 ** 20) / 10;
const TARGET_PLATEAU_MIB = mib(250);
const TARGET_IDLE_MIB = mib(150);

/** VmRSS, and its parts: anonymous memory (heaps) and mapped files (the node binary, libraries, SQLite's mmap). */
function memoryOf(pid: number): { rssMiB: number; anonMiB: number; fileMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (field: string) => Math.round((Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024) * 10) / 10;
  return { rssMiB: mib("VmRSS"), anonMiB: mib("RssAnon"), fileMiB: mib("RssFile") };
}

interface Seeded {
  ownerId: string;
  statusIds: string[];
  /** The owner's own statuses: a favourite of a remote one would be delivered to a peer that does not exist. */
  ownStatusIds: string[];
  accountIds: string[];
  accts: string[];
}

/** The data directory set up, seeded by timeline-latency.ts's seed (rows written straight into SQLite), and some ids to ask for. */
function prepare(dataDir: string): Seeded {
  hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
  const file = join(dataDir, "hearth.db");
  const probe = new Database(file, { readonly: true });
  const ownerId = (probe.prepare("SELECT id FROM accounts WHERE username = 'bench' AND domain IS NULL").get() as { id: string }).id;
  probe.close();
  const seedScript = fileURLToPath(new URL("./timeline-latency.ts", import.meta.url));
  execFileSync(process.execPath, [seedScript, "seed", file, ownerId], { env: { ...process.env, BENCH_STATUSES: String(STATUSES) }, encoding: "utf8" });
  const db = new Database(file, { readonly: true });
  const statusIds = (db.prepare("SELECT id FROM statuses ORDER BY random() LIMIT 2000").all() as Array<{ id: string }>).map((row) => row.id);
  const ownStatusIds = (db.prepare("SELECT id FROM statuses WHERE local = 1 ORDER BY random() LIMIT 500").all() as Array<{ id: string }>).map((row) => row.id);
  const accounts = db.prepare("SELECT id, username, domain FROM accounts WHERE domain IS NOT NULL ORDER BY random() LIMIT 500").all() as Array<{
    id: string;
    username: string;
    domain: string;
  }>;
  db.close();
  return { ownerId, statusIds, ownStatusIds, accountIds: accounts.map((row) => row.id), accts: accounts.map((row) => `${row.username}@${row.domain}`) };
}

type Request = { path: string; init?: RequestInit };

/** The mix, one request at a time: what a few apps open on one account, and peers, ask of a small instance. */
function requestMaker(seeded: Seeded, host: string, token: string) {
  let n = 0;
  const pick = <T>(list: T[]) => list[(n * 7919) % list.length]!;
  const auth = { Authorization: `Bearer ${token}` };
  const json = (body: unknown): RequestInit => ({ method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const makers: Array<[weight: number, make: () => Request]> = [
    [14, () => ({ path: "/api/v1/timelines/home?limit=40" })],
    [8, () => ({ path: `/api/v1/timelines/home?limit=40&max_id=${pick(seeded.statusIds)}` })],
    [6, () => ({ path: "/api/v1/timelines/public?limit=20" })],
    [4, () => ({ path: "/api/v1/timelines/public?local=true&limit=20" })],
    [8, () => ({ path: "/api/v1/notifications?limit=40" })],
    [3, () => ({ path: "/api/v2/notifications?limit=40" })],
    [6, () => ({ path: "/api/v1/accounts/verify_credentials" })],
    [8, () => ({ path: `/api/v1/statuses/${pick(seeded.statusIds)}` })],
    [4, () => ({ path: `/api/v1/statuses/${pick(seeded.statusIds)}/context` })],
    [5, () => ({ path: `/api/v1/accounts/${pick(seeded.accountIds)}` })],
    [5, () => ({ path: `/api/v1/accounts/${pick(seeded.accountIds)}/statuses?limit=20` })],
    [2, () => ({ path: `/api/v1/accounts/relationships?id[]=${pick(seeded.accountIds)}` })],
    [2, () => ({ path: `/api/v1/accounts/lookup?acct=${encodeURIComponent(pick(seeded.accts))}` })],
    [3, () => ({ path: `/api/v2/search?q=number+${n % 1000}&type=statuses&limit=20` })],
    [2, () => ({ path: "/api/v1/instance" })],
    [2, () => ({ path: "/api/v2/instance" })],
    [2, () => ({ path: "/api/v1/markers?timeline[]=home&timeline[]=notifications" })],
    [4, () => ({ path: "/api/v1/statuses", init: json({ status: `Bench post ${n}: a few words, a #tag and a link https://example.com/${n}`, visibility: "public" }) })],
    [2, () => ({ path: `/api/v1/statuses/${pick(seeded.ownStatusIds)}/favourite`, init: { method: "POST", headers: auth } })],
    [3, () => ({ path: `/.well-known/webfinger?resource=acct:bench@${host}`, init: { headers: {} } })],
    [3, () => ({ path: "/users/bench", init: { headers: { Accept: "application/activity+json" } } })],
    [2, () => ({ path: "/users/bench/outbox?page=true", init: { headers: { Accept: "application/activity+json" } } })],
    [1, () => ({ path: "/nodeinfo/2.1", init: { headers: {} } })],
  ];
  const wheel = makers.flatMap(([weight, make]) => Array.from({ length: weight }, () => make));
  return (): Request => {
    n += 1;
    const request = wheel[n % wheel.length]!();
    return { path: request.path, init: { ...request.init, headers: { ...auth, ...request.init?.headers } } };
  };
}

const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-memory-"));
try {
  const seedStarted = performance.now();
  const seeded = prepare(dataDir);
  const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
  const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read write follow"]).trim();
  const asInstalled = process.env.BENCH_MEMORY_SOURCES === undefined;
  const instance = await serveHearth(dataDir, [], { withMemoryProbe: true, asInstalled });
  try {
    const pid = instance.child.pid!;
    const afterStart = memoryOf(pid);
    const probes = [await instance.probeMemory("after start")];
    const next = requestMaker(seeded, new URL(instance.url).host, token);
    const statuses = new Map<number, number>();
    let peak = afterStart;
    const sampler = setInterval(() => {
      const now = memoryOf(pid);
      if (now.rssMiB > peak.rssMiB) peak = now;
    }, 250);
    let sent = 0;
    let connectionErrors = 0;
    const cpuMsBefore = instance.cpuMs();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          sent += 1;
          const { path, init } = next();
          try {
            const response = await fetch(`${instance.url}${path}`, init);
            await response.arrayBuffer();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          } catch {
            // A keep-alive connection the server closed just as it was reused (a starved machine can leave one
            // idle past the server's keep-alive timeout): counted, not fatal to the run.
            connectionErrors += 1;
          }
        }
      }),
    );
    const loadSeconds = Math.round((performance.now() - started) / 100) / 10;
    // The server's own CPU time (user and system) over the load, per request: what a change of memory costs.
    const serverCpuMsPerRequest = Math.round(((instance.cpuMs() - cpuMsBefore) / REQUESTS) * 1000) / 1000;
    const plateau = memoryOf(pid);
    clearInterval(sampler);
    probes.push(await instance.probeMemory("plateau"));
    const idle: Array<{ afterSeconds: number; rssMiB: number }> = [];
    for (let second = 10; second <= IDLE_S; second += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      idle.push({ afterSeconds: second, rssMiB: memoryOf(pid).rssMiB });
    }
    const afterIdle = memoryOf(pid);
    probes.push(await instance.probeMemory("after idle"));
    console.log(
      JSON.stringify(
        {
          benchmark: "memory-plateau",
          node: process.versions.node,
          server: !asInstalled ? "sources (server/cli.ts)" : freshBundle() ? "bundle (server-bundle/)" : "sources through bin/hearth.js (run `npm run build:server` for the bundle)",
          statuses: STATUSES,
          requests: REQUESTS,
          concurrency: CONCURRENCY,
          seedSeconds,
          loadSeconds,
          requestsPerSecond: Math.round(REQUESTS / loadSeconds),
          serverCpuMsPerRequest,
          answersByStatus: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
          connectionErrors,
          rssAfterStart: afterStart,
          rssPeak: peak,
          rssPlateau: { ...plateau, targetMiB: TARGET_PLATEAU_MIB, isUnderTarget: plateau.rssMiB < TARGET_PLATEAU_MIB },
          rssAfterIdle: { ...afterIdle, idleSeconds: IDLE_S, targetMiB: TARGET_IDLE_MIB, isUnderTarget: afterIdle.rssMiB < TARGET_IDLE_MIB },
          idle,
          // From inside the server (bench/memory-probe.js): V8's heap by space, external memory, array buffers.
          probes,
        },
        null,
        2,
      ),
    );
  } finally {
    await instance.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
