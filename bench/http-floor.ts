// The floor under bench/timeline-latency.ts: the same load (autocannon, 50 connections, run from this
// process as there) against a server that does no work at all, answering every request with one body made
// beforehand, as large as a page of 40 statuses (about 60 KB). Once with node:http alone, once with Hono on
// @hono/node-server, the stack Hearth serves its API with. What this reaches on a machine bounds the
// latency any server reaches there under that load. Prints JSON; asserts nothing.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { cpuMsOf, freePort } from "./hearth-process.ts";

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const BODY_BYTES = Number(process.env.BENCH_FLOOR_BODY_BYTES ?? 60_000);

function pageBody(): string {
  const statuses: object[] = [];
  let n = 0;
  const size = () => JSON.stringify(statuses).length;
  while (size() < BODY_BYTES) {
    statuses.push({ id: String(100_000_000_000_000_000 + n), content: `<p>Status number ${n}, with a few words in it.</p>`, padding: "x".repeat(1_200) });
    n++;
  }
  return JSON.stringify(statuses);
}

function runServer(kind: string, port: number): void {
  const body = pageBody();
  const headers = { "Content-Type": "application/json; charset=UTF-8", "Access-Control-Allow-Origin": "*", Link: '<http://127.0.0.1/>; rel="next"' };
  const ready = () => process.send?.("listening");
  if (kind === "node") {
    createServer((_request, response) => response.writeHead(200, headers).end(body)).listen(port, "127.0.0.1", ready);
    return;
  }
  const app = new Hono();
  app.get("/api/v1/timelines/home", (c) => c.body(body, 200, headers));
  serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, ready);
}

async function measure(kind: string) {
  const port = await freePort();
  const child = fork(fileURLToPath(import.meta.url), ["serve", kind, String(port)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  await new Promise<void>((resolve) => child.once("message", () => resolve()));
  try {
    const cpuBefore = cpuMsOf(child.pid!);
    const result = await autocannon({ url: `http://127.0.0.1:${port}/api/v1/timelines/home?limit=40`, connections: CONNECTIONS, duration: DURATION_S });
    // The server's CPU for each answer, to set beside timeline-latency's hearthCpuMsPerRequest: what serving a page costs before any of it is read or rendered.
    const cpuMsPerRequest = Math.round(((cpuMsOf(child.pid!) - cpuBefore) / result.requests.total) * 1000) / 1000;
    return { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, cpuMsPerRequest, non2xx: result.non2xx };
  } finally {
    child.kill();
  }
}

if (process.argv[2] === "serve") {
  runServer(process.argv[3]!, Number(process.argv[4]));
} else {
  const nodeHttp = await measure("node");
  const hono = await measure("hono");
  console.log(
    JSON.stringify(
      { benchmark: "http-floor", node: process.versions.node, connections: CONNECTIONS, durationSeconds: DURATION_S, bodyBytes: pageBody().length, nodeHttp, hono },
      null,
      2,
    ),
  );
}
