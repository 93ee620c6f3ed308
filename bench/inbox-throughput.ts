// Inbox throughput: signed Create(Note) activities per second that one instance accepts (202) and stores.
// Remote actors are served by a small actor server on loopback, as a peer would serve them; every request is
// signed beforehand (draft-cavage, as Fedify's first knock) so the load generator spends its CPU on sending.
// Hearth runs as `hearth serve` in a child process. Prints JSON; asserts nothing.
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import Database from "better-sqlite3";
import type { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hearth, serveHearth } from "./hearth-process.ts";

const ACTIVITIES = Number(process.env.BENCH_INBOX_ACTIVITIES ?? 5_000);
const WARMUP = 200;
const ACTORS = 20;
const CONCURRENCY = Number(process.env.BENCH_INBOX_CONCURRENCY ?? 32);
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

interface Actor {
  uri: string;
  keyId: URL;
  privateKey: webcrypto.CryptoKey;
  publicKeyPem: string;
}

async function pem(publicKey: webcrypto.CryptoKey): Promise<string> {
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", publicKey)).toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${spki.replace(/.{64}/g, "$&\n")}\n-----END PUBLIC KEY-----\n`;
}

/** The peer: each actor's document with its public key, which Hearth fetches once to verify signatures. */
async function startActorServer(): Promise<{ origin: string; actors: Actor[]; close(): void }> {
  const documents = new Map<string, string>();
  const server = createServer((request, response) => {
    const body = documents.get(request.url ?? "");
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { "Content-Type": "application/activity+json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const actors: Actor[] = [];
  for (let i = 0; i < ACTORS; i++) {
    const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const uri = `${origin}/users/a${i}`;
    const actor = { uri, keyId: new URL(`${uri}#main-key`), privateKey, publicKeyPem: await pem(publicKey) };
    actors.push(actor);
    documents.set(
      `/users/a${i}`,
      JSON.stringify({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: uri,
        type: "Person",
        preferredUsername: `a${i}`,
        inbox: `${uri}/inbox`,
        outbox: `${uri}/outbox`,
        followers: `${uri}/followers`,
        endpoints: { sharedInbox: `${origin}/inbox` },
        publicKey: { id: actor.keyId.href, owner: uri, publicKeyPem: actor.publicKeyPem },
      }),
    );
  }
  return { origin, actors, close: () => server.close() };
}

/** The bench accounts are already known and followed by the owner, as the people one follows are. */
function seedFollowedActors(databaseFile: string, actors: Actor[], origin: string): void {
  const db = new Database(databaseFile);
  const owner = db.prepare("SELECT id FROM accounts WHERE domain IS NULL").get() as { id: string };
  const now = new Date().toISOString();
  const domain = new URL(origin).host;
  const insertAccount = db.prepare(
    `INSERT INTO accounts (id, username, domain, display_name, note, note_source, fields_json, is_locked, is_bot, is_discoverable,
       is_indexable, uri, url, created_at, updated_at, actor_type, inbox_url, shared_inbox_url, outbox_url, followers_url,
       public_key_id, also_known_as_json, fetched_at)
     VALUES (?, ?, ?, ?, '', '', '[]', 0, 0, 1, 1, ?, ?, ?, ?, 'Person', ?, ?, ?, ?, ?, '[]', ?)`,
  );
  const insertFollow = db.prepare(
    `INSERT INTO follows (id, account_id, target_account_id, state, uri, created_at, updated_at) VALUES (?, ?, ?, 'accepted', ?, ?, ?)`,
  );
  db.transaction(() => {
    actors.forEach((actor, i) => {
      const id = `${Date.now() - 1_000_000 + i}`.padStart(13, "0") + "00000";
      const { uri } = actor;
      insertAccount.run(id, `a${i}`, domain, `Actor ${i}`, uri, uri, now, now, `${uri}/inbox`, `${origin}/inbox`, `${uri}/outbox`, `${uri}/followers`, actor.keyId.href, now);
      insertFollow.run(`${id.slice(0, 13)}00001`, owner.id, id, `${origin}/follows/${i}`, now, now);
    });
  })();
  db.close();
}

interface SignedPost {
  headers: Record<string, string>;
  body: string;
}

async function signCreate(inbox: string, actor: Actor, n: number): Promise<SignedPost> {
  const noteId = `${actor.uri}/statuses/${n}`;
  const published = new Date().toISOString();
  const body = JSON.stringify({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${noteId}/activity`,
    type: "Create",
    actor: actor.uri,
    published,
    to: [PUBLIC],
    cc: [`${actor.uri}/followers`],
    object: {
      id: noteId,
      type: "Note",
      attributedTo: actor.uri,
      content: `<p>Bench note number ${n}, a few words long like most posts.</p>`,
      published,
      to: [PUBLIC],
      cc: [`${actor.uri}/followers`],
    },
  });
  const request = new Request(inbox, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body });
  const signed = await signRequest(request, actor.privateKey, actor.keyId);
  const headers = Object.fromEntries([...signed.headers].filter(([name]) => name !== "host"));
  return { headers, body };
}

async function send(inbox: string, posts: SignedPost[]): Promise<{ latenciesMs: number[]; statuses: Map<number, number> }> {
  const latenciesMs: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < posts.length) {
        const post = posts[next++]!;
        const started = performance.now();
        const response = await fetch(inbox, { method: "POST", headers: post.headers, body: post.body });
        await response.arrayBuffer();
        latenciesMs.push(performance.now() - started);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return { latenciesMs, statuses };
}

async function untilStored(databaseFile: string, count: number, timeoutMs: number): Promise<number> {
  const db = new Database(databaseFile, { readonly: true });
  const query = db.prepare("SELECT count(*) AS count FROM statuses WHERE local = 0");
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const stored = (query.get() as { count: number }).count;
      if (stored >= count || Date.now() > deadline) return stored;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    db.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-inbox-"));
const databaseFile = join(dataDir, "hearth.db");
const peer = await startActorServer();
try {
  hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
  seedFollowedActors(databaseFile, peer.actors, peer.origin);
  const instance = await serveHearth(dataDir, ["--allow-private-network"]);
  try {
    const inbox = `${instance.url}/inbox`;
    const posts: SignedPost[] = [];
    for (let n = 0; n < WARMUP + ACTIVITIES; n++) posts.push(await signCreate(inbox, peer.actors[n % ACTORS]!, n));

    // Warm-up: keys fetched and cached, code paths compiled.
    await send(inbox, posts.slice(0, WARMUP));
    await untilStored(databaseFile, WARMUP, 60_000);

    const cpuBefore = instance.cpuMs();
    const started = performance.now();
    const sent = await send(inbox, posts.slice(WARMUP));
    const acceptedMs = performance.now() - started;
    const stored = (await untilStored(databaseFile, WARMUP + ACTIVITIES, 180_000)) - WARMUP;
    const storedMs = performance.now() - started;
    const cpuMs = instance.cpuMs() - cpuBefore;
    console.log(
      JSON.stringify(
        {
          benchmark: "inbox-throughput",
          node: process.versions.node,
          activities: ACTIVITIES,
          actors: ACTORS,
          concurrency: CONCURRENCY,
          responses: Object.fromEntries(sent.statuses),
          acceptedPerSecond: Math.round(ACTIVITIES / (acceptedMs / 1000)),
          stored,
          storedPerSecond: Math.round(stored / (storedMs / 1000)),
          secondsUntilAllStored: Math.round(storedMs / 100) / 10,
          postLatencyMs: { p50: percentile(sent.latenciesMs, 50), p99: percentile(sent.latenciesMs, 99) },
          hearthCpuMsPerActivity: Math.round((cpuMs / ACTIVITIES) * 100) / 100,
          target: ">= 1,000 stored per second on 2 cores",
        },
        null,
        2,
      ),
    );
  } finally {
    await instance.stop();
  }
} finally {
  peer.close();
  rmSync(dataDir, { recursive: true, force: true });
}
