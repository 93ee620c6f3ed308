// Search over a large archive: 1,000,000 statuses (BENCH_STATUSES) seeded with text from a 2,000-word
// vocabulary into both search indexes, then /api/v2/search?type=statuses over real HTTP, one request at a
// time, for a word, a phrase, two operators with a word (`from:me has:media word`), and a part of a word
// (the trigram index). Prints p50/p99 beside the target (p99 < 50 ms, issue #17) as JSON; asserts nothing.
// The seed writes rows straight into SQLite, as bench/timeline-latency.ts does: through core it would take
// an hour and measure the writes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { idAt } from "./seed-ids.ts";
import { hearth, serveHearth, setUpBenchOwner } from "./hearth-process.ts";

const STATUSES = Number(process.env.BENCH_STATUSES ?? 1_000_000);
const ACCOUNTS = 10_000;
const VOCABULARY = 2_000;
const WORDS_PER_STATUS = 12;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const TARGET_P99_MS = 50;

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zu", "pe", "da", "gho", "bri", "stel", "quon", "fa", "ju", "wex", "yor", "hul"];

/** Word n of the vocabulary: three syllables, distinct for each n below 8,000. */
function word(n: number): string {
  return `${SYLLABLES[n % 20]}${SYLLABLES[Math.floor(n / 20) % 20]}${SYLLABLES[Math.floor(n / 400) % 20]}`;
}


/**
 * The archive, as fast as SQLite takes it: one transaction, prepared statements, a large page cache, and
 * each search index filled by one INSERT … SELECT from a staging table at the end rather than a statement
 * per status (1M statuses in minutes rather than the best part of an hour).
 */
function seed(databaseFile: string, ownerId: string): { seedSeconds: number } {
  const started = performance.now();
  const db = new Database(databaseFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("temp_store = MEMORY");
  db.pragma("cache_size = -1000000");
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const insertAccount = db.prepare(
    `INSERT INTO accounts (id, username, domain, display_name, note, note_source, fields_json, is_locked, is_bot, is_discoverable,
       is_indexable, uri, url, created_at, updated_at, actor_type, inbox_url, shared_inbox_url, also_known_as_json)
     VALUES (?, ?, ?, ?, '', '', '[]', 0, 0, 1, 1, ?, ?, ?, ?, 'Person', ?, ?, '[]')`,
  );
  const insertStatus = db.prepare(
    `INSERT INTO statuses (id, account_id, uri, url, local, visibility, content, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'en', ?, ?)`,
  );
  db.exec("CREATE TEMP TABLE seed_text (rowid INTEGER PRIMARY KEY, status_id TEXT NOT NULL, body TEXT NOT NULL)");
  const insertText = db.prepare(`INSERT INTO seed_text (rowid, status_id, body) VALUES (?, ?, ?)`);
  const insertMedia = db.prepare(`INSERT INTO media_attachments (id, account_id, status_id, type, created_at, updated_at) VALUES (?, ?, ?, 'image', ?, ?)`);

  // A fixed xorshift sequence in 32-bit integers (a float LCG loses its low bits): the same archive each run.
  let state = 12345;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  db.transaction(() => {
    const accountIds: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const domain = `peer${i % 1000}.example`;
      const id = idAt(now - yearMs - ACCOUNTS + i, i);
      const uri = `https://${domain}/users/u${i}`;
      insertAccount.run(id, `u${i}`, domain, `User ${i}`, uri, uri, iso(now - yearMs), iso(now), `${uri}/inbox`, `https://${domain}/inbox`);
      accountIds.push(id);
    }
    for (let n = 0; n < STATUSES; n++) {
      const ms = now - yearMs + Math.floor((n / STATUSES) * yearMs);
      const id = idAt(ms, n);
      const isOwn = n % 100 === 0;
      const accountId = isOwn ? ownerId : accountIds[(n * 7919) % ACCOUNTS]!;
      const uri = isOwn ? null : `https://peer.example/statuses/${n}`;
      const text = Array.from({ length: WORDS_PER_STATUS }, () => word(next() % VOCABULARY)).join(" ");
      insertStatus.run(id, accountId, uri, uri, isOwn ? 1 : 0, n % 10 === 0 ? "unlisted" : "public", `<p>${text}</p>`, iso(ms), iso(ms));
      insertText.run(BigInt(id), id, text);
      if (isOwn && n % 500 === 0) insertMedia.run(idAt(ms + 1, n), accountId, id, iso(ms), iso(ms));
    }
    db.exec("INSERT INTO status_search (rowid, status_id, body) SELECT rowid, status_id, body FROM seed_text ORDER BY rowid");
    db.exec("INSERT INTO status_search_trigram (rowid, body) SELECT rowid, body FROM seed_text ORDER BY rowid");
  })();
  db.exec("DROP TABLE seed_text");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  return { seedSeconds: Math.round((performance.now() - started) / 100) / 10 };
}

async function measure(): Promise<void> {
  // BENCH_SEARCH_DATA_DIR keeps the seeded data directory there and reuses it on the next run.
  const keptDir = process.env.BENCH_SEARCH_DATA_DIR;
  const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), "hearth-bench-search-"));
  try {
    let seedSeconds = 0;
    if (!existsSync(join(dataDir, "hearth.db"))) {
      const ownerId = setUpBenchOwner(dataDir);
      const seeded = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "seed", join(dataDir, "hearth.db"), ownerId], { encoding: "utf8" });
      seedSeconds = (JSON.parse(seeded) as { seedSeconds: number }).seedSeconds;
    }
    const token = hearth(["token", "--data-dir", dataDir, "--scopes", "read"]).trim();
    const instance = await serveHearth(dataDir);
    try {
      const queries = {
        word: word(777),
        phrase: `"${word(1)} ${word(2)}"`,
        twoOperatorsAndWord: `from:me has:media ${word(777)}`,
        partOfWord: word(777).slice(1, 5),
      };
      const results: Record<string, { found: number; requests: number; non2xx: number; p50Ms: number; p99Ms: number }> = {};
      for (const [name, q] of Object.entries(queries)) {
        const url = `${instance.url}/api/v2/search?type=statuses&limit=20&q=${encodeURIComponent(q)}`;
        const check = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        const body = (await check.json()) as { statuses?: unknown[] };
        if (!check.ok) throw new Error(`Search for ${q} answered ${check.status}: ${JSON.stringify(body)}`);
        const options = { url, connections: 1, headers: { Authorization: `Bearer ${token}` } };
        await autocannon({ ...options, duration: 2 });
        const result = await autocannon({ ...options, duration: DURATION_S });
        results[name] = { found: body.statuses?.length ?? 0, requests: result.requests.total, non2xx: result.non2xx, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
      }
      console.log(
        JSON.stringify(
          { benchmark: "search", node: process.versions.node, statuses: STATUSES, seedSeconds, targetP99Ms: TARGET_P99_MS, queries, ...results },
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
