// The client API under load: 1,000,000 statuses and 10,000 remote accounts seeded, then the home timeline
// (limit 40) and notifications (limit 40) under autocannon at 50 concurrent connections. Prints p50/p99
// latency as JSON; asserts nothing. Three more runs are never answered from recent-responses.ts: the first
// home and notifications pages rendered for every request (as after each write), and a different older home
// page each time.
// The two fresh pages are printed beside issue #19's targets (againstTargets). BENCH_TIMELINE_FRESH_ONLY=1 runs
// only those two loads, for profiling them (BENCH_NODE_ARGS, bench/sql-count-preload.ts).
// The seed writes rows straight into SQLite: going through core would take an hour and measure the writes
// instead of the reads.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { idAt } from "./seed-ids.ts";
import { hearth, serveHearth, setUpBenchOwner, type HearthProcess } from "./hearth-process.ts";

const STATUSES = Number(process.env.BENCH_STATUSES ?? 1_000_000);
const REMOTE_ACCOUNTS = 10_000;
const DOMAINS = 1_000;
const FOLLOWED = 1_000;
const NOTIFICATIONS = 100_000;
// BENCH_CONNECTIONS: fewer connections leave no request waiting out autocannon's timeout on a loaded machine,
// whose CPU would count against the pages answered.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const WARM_UP_S = 3;
const FRESH_ONLY = process.env.BENCH_TIMELINE_FRESH_ONLY === "1";
/** Issue #19: a page of 40 rendered fresh (a write since the last read). */
const TARGETS = { hearthCpuMsPerRequest: 0.7, p99Ms: 60 };

type LoadFigures = Awaited<ReturnType<typeof load>>;

function againstTargets(figures: LoadFigures) {
  return {
    hearthCpuMsPerRequest: { hearth: figures.hearthCpuMsPerRequest, target: `< ${TARGETS.hearthCpuMsPerRequest}` },
    p99Ms: { hearth: figures.p99Ms, target: `< ${TARGETS.p99Ms}` },
  };
}

function seed(databaseFile: string, ownerId: string): { seedSeconds: number } {
  const started = performance.now();
  const db = new Database(databaseFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  // As the server's connections have it: the account_stats triggers then keep their statement journals in memory.
  db.pragma("temp_store = MEMORY");
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();

  const insertAccount = db.prepare(
    `INSERT INTO accounts (id, username, domain, display_name, note, note_source, fields_json, is_locked, is_bot, is_discoverable,
       is_indexable, uri, url, created_at, updated_at, actor_type, inbox_url, shared_inbox_url, also_known_as_json)
     VALUES (?, ?, ?, ?, '', '', '[]', 0, 0, 1, 1, ?, ?, ?, ?, 'Person', ?, ?, '[]')`,
  );
  const insertFollow = db.prepare(
    `INSERT INTO follows (id, account_id, target_account_id, state, uri, created_at, updated_at) VALUES (?, ?, ?, 'accepted', ?, ?, ?)`,
  );
  const insertStatus = db.prepare(
    `INSERT INTO statuses (id, account_id, uri, url, local, visibility, content, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertHome = db.prepare(`INSERT INTO home_feed (account_id, status_id) VALUES (?, ?)`);
  const insertFavourite = db.prepare(`INSERT OR IGNORE INTO favourites (id, account_id, status_id, created_at) VALUES (?, ?, ?, ?)`);
  const insertNotification = db.prepare(
    `INSERT OR IGNORE INTO notifications (id, account_id, type, from_account_id, status_id, group_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  const accountIds: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < REMOTE_ACCOUNTS; i++) {
      const domain = `peer${i % DOMAINS}.example`;
      const id = idAt(now - yearMs - REMOTE_ACCOUNTS + i, i);
      const uri = `https://${domain}/users/u${i}`;
      insertAccount.run(id, `u${i}`, domain, `User ${i}`, uri, uri, iso(now - yearMs), iso(now), `${uri}/inbox`, `https://${domain}/inbox`);
      accountIds.push(id);
      if (i < FOLLOWED) insertFollow.run(idAt(now - yearMs + i, i), ownerId, id, `https://bench.example/follows/${i}`, iso(now), iso(now));
    }
  })();

  const ownStatusIds: string[] = [];
  const batch = 50_000;
  for (let start = 0; start < STATUSES; start += batch) {
    db.transaction(() => {
      for (let n = start; n < Math.min(start + batch, STATUSES); n++) {
        // Spread over the past year, oldest first, so ids grow with n.
        const ms = now - yearMs + Math.floor((n / STATUSES) * yearMs);
        const id = idAt(ms, n);
        const isOwn = n % 100 === 0;
        const authorIndex = (n * 7919) % REMOTE_ACCOUNTS;
        const accountId = isOwn ? ownerId : accountIds[authorIndex]!;
        const uri = isOwn ? null : `https://peer${authorIndex % DOMAINS}.example/users/u${authorIndex}/statuses/${n}`;
        const visibility = n % 10 === 0 ? "unlisted" : "public";
        insertStatus.run(id, accountId, uri, uri, isOwn ? 1 : 0, visibility, `<p>Status number ${n}, with a few words in it.</p>`, iso(ms), iso(ms));
        if (isOwn) ownStatusIds.push(id);
        if (isOwn || authorIndex < FOLLOWED) insertHome.run(ownerId, id);
        if (n % 5 === 0) insertFavourite.run(idAt(ms + 1, n), accountIds[(n * 31) % REMOTE_ACCOUNTS]!, id, iso(ms));
      }
    })();
  }

  db.transaction(() => {
    const types = ["favourite", "reblog", "mention", "follow"] as const;
    for (let n = 0; n < NOTIFICATIONS; n++) {
      const type = types[n % types.length]!;
      const statusId = type === "follow" ? null : ownStatusIds[n % ownStatusIds.length]!;
      const ms = now - yearMs + Math.floor((n / NOTIFICATIONS) * yearMs);
      const from = accountIds[(n * 13) % REMOTE_ACCOUNTS]!;
      insertNotification.run(idAt(ms, n), ownerId, type, from, statusId, `${type}-${statusId ?? from}`, iso(ms));
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  // The seed wrote without syncing; the kernel writing those pages back during a run would compete with it.
  const file = openSync(databaseFile, "r+");
  fsyncSync(file);
  closeSync(file);
  return { seedSeconds: Math.round((performance.now() - started) / 100) / 10 };
}

/**
 * Under load, every request for `url`; or, given `pathOf`, each request for a path of its own. A first
 * unmeasured run lets V8 compile the hot paths; the CPU Hearth spent is read around the measured one.
 */
async function load(instance: HearthProcess, url: string, token: string, pathOf?: () => string) {
  const options = {
    url,
    connections: CONNECTIONS,
    headers: { Authorization: `Bearer ${token}` },
    ...(pathOf && { requests: [{ setupRequest: (request: object) => ({ ...request, path: pathOf() }) }] }),
  };
  await autocannon({ ...options, duration: WARM_UP_S });
  const cpuBefore = instance.cpuMs();
  const result = await autocannon({ ...options, duration: DURATION_S });
  const cpuMs = instance.cpuMs() - cpuBefore;
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    hearthCpuMsPerRequest: Math.round((cpuMs / result.requests.total) * 100) / 100,
  };
}

async function measure(): Promise<void> {
  // BENCH_TIMELINE_DATA_DIR keeps the seeded data directory there and reuses it on the next run.
  const keptDir = process.env.BENCH_TIMELINE_DATA_DIR;
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), "hearth-bench-timelines-"));
  try {
    let seedSeconds = 0;
    if (!existsSync(join(dataDir, "hearth.db"))) {
      const ownerId = setUpBenchOwner(dataDir);
      // In a process of its own: what a million inserts leave in this one's heap would slow the load generator.
      const seeded = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "seed", join(dataDir, "hearth.db"), ownerId], { encoding: "utf8" });
      seedSeconds = (JSON.parse(seeded) as { seedSeconds: number }).seedSeconds;
    }
    const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read"]).trim();
    const instance = await serveHearth(dataDir);
    const base = instance.url;
    try {
      const check = await fetch(`${base}/api/v1/timelines/home?limit=40`, { headers: { Authorization: `Bearer ${token}` } });
      const firstPage = (await check.json()) as unknown[];
      if (!check.ok || firstPage.length !== 40) throw new Error(`The home timeline answered ${check.status} with ${firstPage.length} statuses.`);
      // A parameter the API ignores makes every URL new: the first page, rendered each time.
      let request = 0;
      const anew = (path: string) => () => `${path}?limit=40&request=${request++}`;
      const homeRenderedEachTime = await load(instance, `${base}/api/v1/timelines/home`, token, anew("/api/v1/timelines/home"));
      const notificationsRenderedEachTime = await load(instance, `${base}/api/v1/notifications`, token, anew("/api/v1/notifications"));
      const fresh = {
        againstTargets: { homeRenderedFresh: againstTargets(homeRenderedEachTime), notificationsRenderedFresh: againstTargets(notificationsRenderedEachTime) },
        // The machine's load while the figures were taken: other work on it moves latency far more than CPU a page.
        loadAverage: loadavg().map((average) => Math.round(average * 100) / 100),
        homeTimelineLimit40RenderedEachTime: homeRenderedEachTime,
        notificationsLimit40RenderedEachTime: notificationsRenderedEachTime,
      };
      const header = {
        benchmark: "timeline-latency",
        node: process.versions.node,
        statuses: STATUSES,
        remoteAccounts: REMOTE_ACCOUNTS,
        followed: FOLLOWED,
        notifications: NOTIFICATIONS,
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
        seedSeconds,
      };
      if (FRESH_ONLY) {
        console.log(JSON.stringify({ ...header, ...fresh }, null, 2));
        return;
      }
      const home = await load(instance, `${base}/api/v1/timelines/home?limit=40`, token);
      const notifications = await load(instance, `${base}/api/v1/notifications?limit=40`, token);
      // Apps poll the same first page, which Hearth reuses while nothing changed (api/recent-responses.ts); a
      // different older page each time shows what rendering a page costs when nothing can be reused.
      const yearAgo = Date.now() - 365 * 24 * 3600 * 1000;
      const olderPage = () => `/api/v1/timelines/home?limit=40&max_id=${idAt(yearAgo + Math.floor(Math.random() * 365 * 24 * 3600 * 1000), 0)}`;
      const homeOlderPages = await load(instance, base + olderPage(), token, olderPage);
      console.log(
        JSON.stringify(
          {
            ...header,
            ...fresh,
            homeTimelineLimit40: home,
            notificationsLimit40: notifications,
            homeTimelineLimit40EachRequestAnOlderPage: homeOlderPages,
          },
          null,
          2,
        ),
      );
    } finally {
      await instance.stop();
    }
  } finally {
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "seed") console.log(JSON.stringify(seed(process.argv[3]!, process.argv[4]!)));
else await measure();
