// Fan-out: one post to 10,000 remote followers spread over 1,000 servers, each with a shared inbox, served by
// a sink on loopback (1,000 listening ports, so every server is a host of its own, as Fedify's per-host
// circuit breaker and connection pools see them). Measures the time from the API call until every shared
// inbox has the post, Hearth's CPU time for it, and what signing costs: Fedify signs each delivery (RSA,
// draft-cavage), measured here by signing the same request as often. Prints JSON; asserts nothing.
import { signRequest } from "@fedify/fedify";
import Database from "better-sqlite3";
import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { hearth, serveHearth } from "./hearth-process.ts";

const FOLLOWERS = Number(process.env.BENCH_FANOUT_FOLLOWERS ?? 10_000);
const SERVERS = Number(process.env.BENCH_FANOUT_SERVERS ?? 1_000);
const SIGNATURES_SAMPLED = 300;
/** How long each inbox takes to answer: loopback answers at once, a server across the internet does not. */
const SINK_DELAY_MS = Number(process.env.BENCH_FANOUT_SINK_DELAY_MS ?? 0);

/** A peer's servers: each answers 202 at /inbox and counts what it was sent. */
async function startSink(servers: number) {
  const received: number[] = new Array<number>(servers).fill(0);
  const listeners: Server[] = [];
  const ports: number[] = [];
  let waiter: { round: number; resolve(): void } | undefined;
  const everyInboxHas = (round: number) => received.every((count) => count >= round);
  for (let index = 0; index < servers; index++) {
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        setTimeout(() => {
          if (request.method === "POST" && request.url === "/inbox") received[index]! += 1;
          response.writeHead(request.method === "POST" ? 202 : 404).end();
          if (waiter && everyInboxHas(waiter.round)) waiter.resolve();
        }, SINK_DELAY_MS);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    listeners.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  return {
    ports,
    received,
    /** Resolves once every inbox has had `round` deliveries. */
    untilEveryInboxHas(round: number): Promise<void> {
      if (everyInboxHas(round)) return Promise.resolve();
      return new Promise((resolve) => (waiter = { round, resolve }));
    },
    close: () => listeners.forEach((server) => server.close()),
  };
}

/** 10,000 remote accounts on the sink's servers follow the owner; seeded straight into SQLite. */
function seedFollowers(databaseFile: string, ports: number[]): void {
  const db = new Database(databaseFile);
  const owner = db.prepare("SELECT id FROM accounts WHERE domain IS NULL").get() as { id: string };
  const now = new Date().toISOString();
  const base = Date.now() - 10_000_000;
  const insertAccount = db.prepare(
    `INSERT INTO accounts (id, username, domain, display_name, note, note_source, fields_json, is_locked, is_bot, is_discoverable,
       is_indexable, uri, url, created_at, updated_at, actor_type, inbox_url, shared_inbox_url, also_known_as_json, fetched_at)
     VALUES (?, ?, ?, ?, '', '', '[]', 0, 0, 1, 1, ?, ?, ?, ?, 'Person', ?, ?, '[]', ?)`,
  );
  const insertFollow = db.prepare(
    `INSERT INTO follows (id, account_id, target_account_id, state, uri, created_at, updated_at) VALUES (?, ?, ?, 'accepted', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < FOLLOWERS; i++) {
      const origin = `http://127.0.0.1:${ports[i % ports.length]}`;
      const uri = `${origin}/users/u${i}`;
      const accountId = `${base + i}`.padStart(13, "0") + "00000";
      insertAccount.run(accountId, `u${i}`, new URL(origin).host, `Follower ${i}`, uri, uri, now, now, `${uri}/inbox`, `${origin}/inbox`, now);
      insertFollow.run(`${base + i}`.padStart(13, "0") + "00001", accountId, owner.id, `${uri}#follows/${i}`, now, now);
    }
  })();
  db.close();
}

/**
 * CPU time of one delivery's signature: Fedify's draft-cavage RSA-SHA256 over a Create of this size, with a
 * 2,048-bit key as Hearth's accounts have (core/accounts/accounts.ts). Fedify's generateCryptoKeyPair makes a
 * 4,096-bit one, which signs about eight times slower and put this floor at 3 s of CPU a post, not Hearth's.
 */
async function signingCpuMs(bodyBytes: number): Promise<number> {
  const { privateKey } = (await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as webcrypto.CryptoKeyPair;
  const body = "x".repeat(bodyBytes);
  const keyId = new URL("https://bench.example/users/bench#main-key");
  const sign = () => signRequest(new Request("http://127.0.0.1:9/inbox", { method: "POST", body }), privateKey, keyId);
  await sign();
  const before = process.cpuUsage();
  for (let n = 0; n < SIGNATURES_SAMPLED; n++) await sign();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / SIGNATURES_SAMPLED;
}

async function postStatus(url: string, token: string, text: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/statuses`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status: text, visibility: "public" }),
  });
  if (!response.ok) throw new Error(`Posting answered ${response.status}: ${await response.text()}`);
}

const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-fanout-"));
const sink = await startSink(SERVERS);
try {
  hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
  const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read write"]).trim();
  seedFollowers(join(dataDir, "hearth.db"), sink.ports);
  const instance = await serveHearth(dataDir, ["--allow-private-network"]);
  try {
    const runs = [];
    for (const [round, label] of [
      [1, "first post (cold: connections, signature spec per host)"],
      [2, "second post"],
    ] as const) {
      const cpuBefore = instance.cpuMs();
      const started = performance.now();
      await postStatus(instance.url, token, `Fan-out bench, post ${round}: a few words, as most posts are.`);
      await sink.untilEveryInboxHas(round);
      const seconds = (performance.now() - started) / 1000;
      runs.push({ label, secondsUntilAllDelivered: Math.round(seconds * 100) / 100, hearthCpuMs: Math.round(instance.cpuMs() - cpuBefore) });
    }
    const perSignatureMs = await signingCpuMs(1_500);
    console.log(
      JSON.stringify(
        {
          benchmark: "fan-out",
          node: process.versions.node,
          followers: FOLLOWERS,
          sharedInboxes: SERVERS,
          sinkDelayMs: SINK_DELAY_MS,
          runs,
          requestsPerInbox: { min: Math.min(...sink.received), max: Math.max(...sink.received) },
          signing: {
            cpuMsPerDelivery: Math.round(perSignatureMs * 100) / 100,
            cpuMsForOnePost: Math.round(perSignatureMs * SERVERS),
            method: `${SIGNATURES_SAMPLED} draft-cavage RSA-2048 signatures of a 1.5 kB body in the bench process, times one per shared inbox`,
          },
          target: "first post < 3 s until all are delivered (issue #19; floor: signing alone, cpuMsForOnePost over the cores)",
          loadAverage: loadavg(),
        },
        null,
        2,
      ),
    );
  } finally {
    await instance.stop();
  }
} finally {
  sink.close();
  rmSync(dataDir, { recursive: true, force: true });
}
