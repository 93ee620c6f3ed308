// A hostile peer on loopback answers Hearth's document fetches slowly (a byte now and then), hugely (512 MB
// streamed) or as a gzip bomb (512 MB of blanks in about half a megabyte), while searches keep making Hearth fetch
// from it. Measured: how much the server's resident memory grows, how long /healthz takes meanwhile (and on a
// quiet server, for comparison: the machine's own noise), how long each search takes and how much the peer got
// to write before Hearth hung up. The peer runs in a process of its own, so its writing does not slow the
// measuring. Prints JSON beside the targets of issue #14 (RSS +50 MB at most, /healthz within 100 ms); asserts
// nothing. HOSTILE_CONCURRENCY (searches at once, 1), HOSTILE_SCENARIO_MS (12 s) and HOSTILE_SCENARIOS
// ("slow,huge,compressed") vary the attack; BENCH_NODE_ARGS adds Node flags to the server (hearth-process.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { hearth, serveHearth } from "./hearth-process.ts";

const MEGABYTE = 1024 * 1024;
const HUGE_BYTES = 512 * MEGABYTE;
/** Searches at once, each for another address so no cache answers, again and again for the scenario's time. */
const CONCURRENT_SEARCHES = Number(process.env.HOSTILE_CONCURRENCY ?? 1);
/** Longer than the 10 s deadline, so the slow peer is given up on at least once by every search. */
const SCENARIO_MS = Number(process.env.HOSTILE_SCENARIO_MS ?? 12_000);
const SAMPLE_EVERY_MS = 50;
const TARGETS = { rssGrowthMiB: 50, healthzMs: 100, searchSeconds: 10 };

function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return Math.round((kib / 1024) * 10) / 10;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0) * 10) / 10;
}

/** 512 MB of blanks, gzipped once (about half a megabyte), then served to every asker. */
async function gzipBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
  const blanks = Buffer.alloc(MEGABYTE, " ");
  for (let written = 0; written < HUGE_BYTES; written += blanks.byteLength) {
    if (!gzip.write(blanks)) await new Promise((resolve) => gzip.once("drain", resolve));
  }
  await new Promise((resolve) => gzip.end(resolve));
  return Buffer.concat(chunks);
}

interface PeerAnswer {
  scenario: string;
  bytesWritten: number;
  hungUpEarly: boolean;
}

async function startHostilePeer() {
  const bomb = await gzipBomb();
  const answers: PeerAnswer[] = [];
  const json = { "Content-Type": "application/activity+json" };
  const streamBlanks = (response: ServerResponse, answer: PeerAnswer) => {
    const chunk = Buffer.alloc(64 * 1024, " ");
    const writeMore = () => {
      while (answer.bytesWritten < HUGE_BYTES && !response.destroyed) {
        answer.bytesWritten += chunk.byteLength;
        if (!response.write(chunk)) return void response.once("drain", writeMore);
      }
      if (!response.destroyed) response.end();
    };
    writeMore();
  };
  const server = createServer((request, response) => {
    if (request.url === "/stats") {
      response.writeHead(200, { "Content-Type": "application/json" });
      return void response.end(JSON.stringify(answers));
    }
    const scenario = /^\/(\w+)\//.exec(request.url ?? "")?.[1] ?? "";
    const answer: PeerAnswer = { scenario, bytesWritten: 0, hungUpEarly: false };
    answers.push(answer);
    response.on("close", () => (answer.hungUpEarly = !response.writableFinished));
    if (scenario === "slow") {
      response.writeHead(200, json);
      const timer = setInterval(() => {
        answer.bytesWritten += 1;
        response.write(" ");
      }, 100);
      response.on("close", () => clearInterval(timer));
    } else if (scenario === "huge") {
      response.writeHead(200, json);
      streamBlanks(response, answer);
    } else if (scenario === "compressed") {
      response.writeHead(200, { ...json, "Content-Encoding": "gzip", "Content-Length": String(bomb.byteLength) });
      answer.bytesWritten = bomb.byteLength;
      response.end(bomb);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The parent reads this line; SIGTERM ends the process.
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bombBytes: bomb.byteLength }));
}

/** The peer in a child process: its URL, the size of its bomb, what it answered, and how to stop it. */
async function spawnHostilePeer() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--peer"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      if (buffered.includes("\n")) resolve(buffered.slice(0, buffered.indexOf("\n")));
    });
    child.once("exit", (code) => reject(new Error(`The hostile peer exited with ${code}.`)));
  });
  const { url, bombBytes } = JSON.parse(line) as { url: string; bombBytes: number };
  return {
    url,
    bombBytes,
    answers: async () => (await (await fetch(`${url}/stats`)).json()) as PeerAnswer[],
    stop: () => child.kill("SIGTERM"),
  };
}

async function healthzMs(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`);
  await response.arrayBuffer();
  return performance.now() - started;
}

async function healthzWhile(url: string, pid: number, work: Promise<unknown>) {
  const rssBefore = rssMiB(pid);
  let rssPeak = rssBefore;
  const healthz: number[] = [];
  let working = true;
  void work.finally(() => (working = false));
  while (working) {
    healthz.push(await healthzMs(url));
    rssPeak = Math.max(rssPeak, rssMiB(pid));
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
  }
  return {
    rssBeforeMiB: rssBefore,
    rssPeakMiB: rssPeak,
    rssGrowthMiB: Math.round((rssPeak - rssBefore) * 10) / 10,
    healthzSamples: healthz.length,
    healthzP50Ms: percentile(healthz, 50),
    healthzP99Ms: percentile(healthz, 99),
    healthzMaxMs: percentile(healthz, 100),
  };
}

async function measure() {
  const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-hostile-"));
  const peer = await spawnHostilePeer();
  try {
    hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
    const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read"]).trim();
    // The peer is on loopback, as every hostile peer here must be: the private-address guard is not what is measured.
    const instance = await serveHearth(dataDir, ["--allow-private-network"], { withMemoryProbe: true });
    const pid = instance.child.pid!;
    try {
      for (let warm = 0; warm < 20; warm++) await healthzMs(instance.url);
      const quiet = await healthzWhile(instance.url, pid, new Promise((resolve) => setTimeout(resolve, 5_000)));
      const scenarios = [];
      let searchNumber = 0;
      for (const scenario of (process.env.HOSTILE_SCENARIOS ?? "slow,huge,compressed").split(",")) {
        const searchSeconds: number[] = [];
        let accountsFound = 0;
        const until = performance.now() + SCENARIO_MS;
        const searching = Promise.all(
          Array.from({ length: CONCURRENT_SEARCHES }, async () => {
            while (performance.now() < until) {
              const query = encodeURIComponent(`${peer.url}/${scenario}/users/${searchNumber++}`);
              const started = performance.now();
              const response = await fetch(`${instance.url}/api/v2/search?q=${query}&resolve=true&type=accounts`, { headers: { Authorization: `Bearer ${token}` } });
              accountsFound += ((await response.json()) as { accounts?: unknown[] }).accounts?.length ?? 0;
              searchSeconds.push((performance.now() - started) / 1000);
            }
          }),
        );
        const probeBefore = await instance.probeMemory(`before ${scenario}`);
        const figures = await healthzWhile(instance.url, pid, searching);
        const probeAfter = await instance.probeMemory(`after ${scenario}`);
        const answers = (await peer.answers()).filter((answer) => answer.scenario === scenario);
        scenarios.push({
          scenario,
          searches: searchSeconds.length,
          searchSecondsMax: Math.round(Math.max(...searchSeconds) * 10) / 10,
          accountsFound,
          ...figures,
          peerAnswers: answers.length,
          peerBytesWrittenMaxMiB: Math.round((Math.max(0, ...answers.map((answer) => answer.bytesWritten)) / MEGABYTE) * 100) / 100,
          peerHungUpOnEarly: answers.filter((answer) => answer.hungUpEarly).length,
          // From inside the server (bench/memory-probe.js), just before and just after the scenario.
          probes: [probeBefore, probeAfter],
        });
      }
      console.log(
        JSON.stringify(
          {
            benchmark: "hostile-peer",
            node: process.versions.node,
            hugeDocumentMiB: HUGE_BYTES / MEGABYTE,
            gzipBombMiB: { compressed: Math.round((peer.bombBytes / MEGABYTE) * 100) / 100, decompressed: HUGE_BYTES / MEGABYTE },
            concurrentSearches: CONCURRENT_SEARCHES,
            targets: TARGETS,
            quietServer: quiet,
            scenarios,
            withinTargets: scenarios.every(
              (row) => row.rssGrowthMiB <= TARGETS.rssGrowthMiB && row.healthzMaxMs <= TARGETS.healthzMs && row.searchSecondsMax <= TARGETS.searchSeconds + 1,
            ),
          },
          null,
          2,
        ),
      );
    } finally {
      await instance.stop();
    }
  } finally {
    peer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes("--peer")) await startHostilePeer();
else await measure();
