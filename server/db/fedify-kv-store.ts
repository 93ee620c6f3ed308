import { isDeepStrictEqual } from "node:util";
import type Database from "better-sqlite3";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { UnseenCommits } from "./page-read-caches.ts";
import { isSqliteBusy, writeWhenUnlocked } from "./sqlite-busy.ts";

interface KvRow {
  key: string;
  value: string;
  expires_at: number | null;
}

const LIST_PAGE_SIZE = 200;

/**
 * A key is stored as its JSON array text. The children of ["a"] then all start with `["a",`, which ["ab"]
 * (`["ab"]`) does not, and because "," and "-" are neighbours in code order, the children are exactly the keys
 * in [`["a",`, `["a"-`): a range scan on the primary key.
 */
function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

function prefixRange(prefix: KvKey): { exact: string; from: string; to: string } {
  const exact = encodeKey(prefix);
  const stem = exact.slice(0, -1);
  return { exact, from: `${stem},`, to: `${stem}-` };
}

function encodeValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("The key-value store holds JSON values; undefined cannot be stored.");
  return json;
}

/** A write waiting for the next shared commit, with its caller waiting for its answer. */
interface PendingWrite {
  write(): unknown;
  settle(error: unknown, value?: unknown): void;
}

/** Fedify's key-value store (caches, idempotence marks, public keys) in the fedify_kv table. */
export class SqliteKvStore implements KvStore {
  readonly #sqlite: Database.Database;
  readonly #clock: { now(): number };
  /** Statements prepared once: preparing anew costs more than running most of these. */
  readonly #statements = new Map<string, Database.Statement>();
  /** Each write is one IMMEDIATE transaction; `commits` keeps its commit from emptying core's page-read caches. */
  readonly #commit: <T>(work: () => T) => T;
  #pendingWrites: PendingWrite[] = [];
  #isCommitting = false;

  constructor(sqlite: Database.Database, clock: { now(): number } = Date, commits?: UnseenCommits) {
    this.#sqlite = sqlite;
    this.#clock = clock;
    this.#commit = commits ? (work) => commits.commit(work) : (work) => sqlite.transaction(work).immediate();
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = this.#read(encodeKey(key));
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  // Writes wait their turn, without blocking the event loop, while another connection holds the write lock.
  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return this.delete(key);
    const encodedKey = encodeKey(key);
    const encodedValue = encodeValue(value);
    await this.#inSharedCommit(() => this.#write(encodedKey, encodedValue, options));
  }

  async delete(key: KvKey): Promise<void> {
    const encodedKey = encodeKey(key);
    await this.#inSharedCommit(() => this.#prepare("DELETE FROM fedify_kv WHERE key = ?").run(encodedKey));
  }

  /**
   * Replaces the value only if it is still `expectedValue` (undefined: absent). A new value of undefined deletes
   * the key, as Fedify's MemoryKvStore has it: Fedify's circuit breaker closes a host's circuit that way, and
   * refusing it left the circuit open for good.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const encodedKey = encodeKey(key);
    const value = newValue === undefined ? undefined : encodeValue(newValue);
    // Compare what a JSON round trip would give back, so { a: 1, b: undefined } matches a stored { a: 1 }.
    const expected = expectedValue === undefined ? undefined : JSON.parse(encodeValue(expectedValue));
    // Inside the write transaction (IMMEDIATE, the write lock taken before reading), so another connection
    // cannot change the row in between.
    return this.#inSharedCommit(() => {
      const row = this.#read(encodedKey);
      const current = row === undefined ? undefined : JSON.parse(row.value);
      if (!isDeepStrictEqual(current, expected)) return false;
      if (value === undefined) this.#prepare("DELETE FROM fedify_kv WHERE key = ?").run(encodedKey);
      else this.#write(encodedKey, value, options);
      return true;
    });
  }

  /**
   * Runs a write in one IMMEDIATE transaction with the other writes asked for in the same turn of the event
   * loop, in the order they were asked for, and resolves once it has committed. Fedify marks every inbox
   * activity it handled (its idempotence mark) as its handler returns, and the handlers of one shared core
   * commit (core/write.ts) return together: a transaction each was a BEGIN and a COMMIT an activity
   * (bench/inbox-against-floor.ts). A write that throws is tried again alone, so it fails by itself.
   */
  #inSharedCommit<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pendingWrites.push({ write, settle: (error, value) => (error === undefined ? resolve(value as T) : reject(error)) });
      if (this.#isCommitting) return;
      this.#isCommitting = true;
      setImmediate(() => void this.#commitPending());
    });
  }

  async #commitPending(): Promise<void> {
    const batch = this.#pendingWrites;
    this.#pendingWrites = [];
    try {
      const values = await writeWhenUnlocked(() => this.#commit(() => batch.map(({ write }) => write())));
      batch.forEach((pending, index) => pending.settle(undefined, values[index]));
    } catch {
      // One of them failed (or the lock was never had): each alone, so only its own caller sees the error.
      for (const pending of batch) {
        try {
          pending.settle(undefined, await writeWhenUnlocked(() => this.#commit(pending.write)));
        } catch (error) {
          pending.settle(error ?? new Error("A key-value write failed."));
        }
      }
    } finally {
      this.#isCommitting = false;
      if (this.#pendingWrites.length > 0) {
        this.#isCommitting = true;
        setImmediate(() => void this.#commitPending());
      }
    }
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const range = prefix === undefined || prefix.length === 0 ? undefined : prefixRange(prefix);
    const inPrefix = range === undefined ? "" : "AND (key = @exact OR (key >= @from AND key < @to))";
    const page = this.#prepare<[Record<string, string | number>], KvRow>(
      `SELECT key, value, expires_at FROM fedify_kv
       WHERE key > @after ${inPrefix} AND (expires_at IS NULL OR expires_at > @now)
       ORDER BY key LIMIT @limit`,
    );
    // Pages of keys after the last one seen rather than one open cursor: better-sqlite3 refuses other statements
    // on a connection while a cursor is open, and the caller may use the store between two steps of the loop.
    let after = "";
    for (;;) {
      const rows = page.all({ ...range, after, now: this.#clock.now(), limit: LIST_PAGE_SIZE });
      for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
      const last = rows.at(-1);
      if (last === undefined || rows.length < LIST_PAGE_SIZE) return;
      after = last.key;
    }
  }

  /** Deletes every expired entry; returns how many. */
  pruneExpired(): number {
    return this.#prepare("DELETE FROM fedify_kv WHERE expires_at <= ?").run(this.#clock.now()).changes;
  }

  /**
   * Deletes the entries under `prefix` last written more than `olderThanMs` ago; returns how many. Fedify caches
   * remote documents and public keys without a TTL of their own, and this keeps them from growing without end.
   */
  pruneByPrefix(prefix: KvKey, olderThanMs: number): number {
    const { exact, from, to } = prefixRange(prefix);
    const prune = this.#prepare("DELETE FROM fedify_kv WHERE (key = ? OR (key >= ? AND key < ?)) AND written_at < ?");
    return prune.run(exact, from, to, this.#clock.now() - olderThanMs).changes;
  }

  /** The live row for a key; an expired one is deleted on the way, as nobody may see it again. */
  #read(encodedKey: string): KvRow | undefined {
    const row = this.#prepare<[string], KvRow>("SELECT key, value, expires_at FROM fedify_kv WHERE key = ?").get(encodedKey);
    if (row === undefined) return undefined;
    if (row.expires_at !== null && row.expires_at <= this.#clock.now()) {
      try {
        this.#prepare("DELETE FROM fedify_kv WHERE key = ? AND expires_at <= ?").run(encodedKey, this.#clock.now());
      } catch (error) {
        // Another connection is writing: the expired row is deleted by the next read or the hourly pruning.
        if (!isSqliteBusy(error)) throw error;
      }
      return undefined;
    }
    return row;
  }

  #write(encodedKey: string, value: string, options: KvStoreSetOptions | undefined): void {
    const now = this.#clock.now();
    const expiresAt = options?.ttl === undefined ? null : now + options.ttl.total({ unit: "millisecond" });
    this.#prepare(
        `INSERT INTO fedify_kv (key, value, expires_at, written_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, written_at = excluded.written_at`,
      )
      .run(encodedKey, value, expiresAt, now);
  }

  #prepare<Parameters extends unknown[] | object = unknown[], Row = unknown>(sql: string): Database.Statement<Parameters, Row> {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Row>;
  }
}
