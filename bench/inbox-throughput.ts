// Inbox throughput: signed Create(Note) activities per second that one instance accepts (202) and stores.
// Remote actors are served by a small actor server on loopback, as a peer would serve them; every request is
// signed beforehand (draft-cavage, as Fedify's first knock) so the load generator spends its CPU on sending.
// Hearth runs as `hearth serve` in a child process. Prints JSON; asserts nothing.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hearth, serveHearth } from "./hearth-process.ts";
import { percentile, send, signCreate, startActorServer, type Actor, type SignedPost } from "./signed-inbox-load.ts";

const ACTIVITIES = Number(process.env.BENCH_INBOX_ACTIVITIES ?? 5_000);
const WARMUP = 200;
const ACTORS = 20;
const CONCURRENCY = Number(process.env.BENCH_INBOX_CONCURRENCY ?? 32);

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

export interface InboxThroughput {
  benchmark: "inbox-throughput";
  storedPerSecond: number;
  hearthCpuMsPerActivity: number;
  [figure: string]: unknown;
}

/** Runs the load against a fresh `hearth serve` and answers its figures. */
export async function measureInboxThroughput(): Promise<InboxThroughput> {
  const dataDir = mkdtempSync(join(tmpdir(), "hearth-bench-inbox-"));
  const databaseFile = join(dataDir, "hearth.db");
  const peer = await startActorServer(ACTORS);
  try {
    hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
    seedFollowedActors(databaseFile, peer.actors, peer.origin);
    const instance = await serveHearth(dataDir, ["--allow-private-network"]);
    try {
      const inbox = `${instance.url}/inbox`;
      const posts: SignedPost[] = [];
      for (let n = 0; n < WARMUP + ACTIVITIES; n++) posts.push(await signCreate(inbox, peer.actors[n % ACTORS]!, n));

      // Warm-up: keys fetched and cached, code paths compiled.
      await send(inbox, posts.slice(0, WARMUP), CONCURRENCY);
      await untilStored(databaseFile, WARMUP, 60_000);

      const cpuBefore = instance.cpuMs();
      const started = performance.now();
      const sent = await send(inbox, posts.slice(WARMUP), CONCURRENCY);
      const acceptedMs = performance.now() - started;
      const stored = (await untilStored(databaseFile, WARMUP + ACTIVITIES, 180_000)) - WARMUP;
      const storedMs = performance.now() - started;
      const cpuMs = instance.cpuMs() - cpuBefore;
      return {
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
          };
    } finally {
      await instance.stop();
    }
  } finally {
    peer.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(JSON.stringify(await measureInboxThroughput(), null, 2));
