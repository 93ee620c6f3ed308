// The floor under bench/inbox-throughput.ts: bare Fedify, with nothing of Hearth's, receiving the same signed
// Create(Note) activities. Its keys and documents are cached in memory (MemoryKvStore), its queue is in
// memory (InProcessMessageQueue), and its listener only reads the Note and counts it; no database, no
// sanitising, no fan-out. What this reaches on a machine bounds what any Fedify server reaches there.
// The server runs in a child process (this file with "serve"), as Hearth does in the real benchmark.
// BENCH_FLOOR_QUEUE=none handles each activity inside its request instead of through the queue.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createFederation, InProcessMessageQueue, MemoryKvStore } from "@fedify/fedify";
import { Create, Note, Person } from "@fedify/vocab";
import { serve } from "@hono/node-server";
import { cpuMsOf, freePort } from "./hearth-process.ts";
import { percentile, send, signCreate, startActorServer, type SignedPost } from "./signed-inbox-load.ts";

const ACTIVITIES = Number(process.env.BENCH_INBOX_ACTIVITIES ?? 5_000);
const WARMUP = 200;
const ACTORS = 20;
const CONCURRENCY = Number(process.env.BENCH_INBOX_CONCURRENCY ?? 32);
const WITH_QUEUE = process.env.BENCH_FLOOR_QUEUE !== "none";

async function runServer(port: number): Promise<void> {
  const federation = createFederation<void>({
    kv: new MemoryKvStore(),
    ...(WITH_QUEUE ? { queue: new InProcessMessageQueue() } : {}),
    allowPrivateAddress: true,
    // The bench sends draft-cavage signatures only, as Hearth's benchmark does.
    firstKnock: "draft-cavage-http-signatures-12",
  });
  federation.setActorDispatcher("/users/{identifier}", (ctx, identifier) =>
    identifier === "floor" ? new Person({ id: ctx.getActorUri(identifier), preferredUsername: identifier, inbox: ctx.getInboxUri(identifier) }) : null,
  );
  let handled = 0;
  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox").on(Create, async (ctx, create) => {
    const object = await create.getObject(ctx);
    if (object instanceof Note && object.content !== null) handled++;
  });
  process.on("message", (message) => {
    if (message === "count") process.send?.({ handled });
  });
  serve({ fetch: (request) => federation.fetch(request, { contextData: undefined }), port, hostname: "127.0.0.1" }, () => process.send?.("listening"));
}

export interface FedifyInboxFloor {
  benchmark: "fedify-inbox-floor";
  handledPerSecond: number;
  fedifyCpuMsPerActivity: number;
  [figure: string]: unknown;
}

/** Runs the load against bare Fedify in a child process and answers its figures. */
export async function measureFedifyInboxFloor(): Promise<FedifyInboxFloor> {
  const peer = await startActorServer(ACTORS);
  const port = await freePort();
  const child = fork(fileURLToPath(import.meta.url), ["serve", String(port)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  await new Promise<void>((resolve) => child.once("message", () => resolve()));
  const handledSoFar = () =>
    new Promise<number>((resolve) => {
      child.once("message", (message) => resolve((message as { handled: number }).handled));
      child.send("count");
    });
  const untilHandled = async (count: number) => {
    while ((await handledSoFar()) < count) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  try {
    const inbox = `http://127.0.0.1:${port}/inbox`;
    const posts: SignedPost[] = [];
    for (let n = 0; n < WARMUP + ACTIVITIES; n++) posts.push(await signCreate(inbox, peer.actors[n % ACTORS]!, n));
    await send(inbox, posts.slice(0, WARMUP), CONCURRENCY);
    await untilHandled(WARMUP);
    const cpuBefore = cpuMsOf(child.pid!);
    const started = performance.now();
    const sent = await send(inbox, posts.slice(WARMUP), CONCURRENCY);
    await untilHandled(WARMUP + ACTIVITIES);
    const handledMs = performance.now() - started;
    return {
          benchmark: "fedify-inbox-floor",
          node: process.versions.node,
          queue: WITH_QUEUE ? "InProcessMessageQueue" : "none",
          activities: ACTIVITIES,
          concurrency: CONCURRENCY,
          responses: Object.fromEntries(sent.statuses),
          handledPerSecond: Math.round(ACTIVITIES / (handledMs / 1000)),
          postLatencyMs: { p50: percentile(sent.latenciesMs, 50), p99: percentile(sent.latenciesMs, 99) },
          fedifyCpuMsPerActivity: Math.round(((cpuMsOf(child.pid!) - cpuBefore) / ACTIVITIES) * 100) / 100,
        };
  } finally {
    child.kill();
    peer.close();
  }
}

if (import.meta.main) {
  if (process.argv[2] === "serve") await runServer(Number(process.argv[3]));
  else console.log(JSON.stringify(await measureFedifyInboxFloor(), null, 2));
}
