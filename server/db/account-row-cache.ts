import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

type Db = Kysely<DatabaseSchema>;

/** Accounts kept: a busy home page names a few dozen authors, a day of them a few thousand. */
export const MOST_CACHED_ACCOUNTS = 4_096;

/**
 * What a page read of an account and its numbers (accounts joined with account_stats), kept by account id
 * between pages: every page rendered fresh read its forty authors again, though a write since the last page
 * changes one or two of them at most (issue #19).
 *
 * Kept exact without asking every writer to say what it changed: temporary triggers on this connection (they
 * live and die with it and are in no migration) call back here for every row of accounts or account_stats
 * changed, deleted or added, by core's writes and by the account_stats triggers a status fires alike. A
 * commit by another connection (Fedify's, a `hearth` command beside serve) moves SQLite's data_version,
 * which empties the whole cache at the next read. A change that rolls back forgets rows for nothing, which
 * costs a read and nothing else.
 */
export class AccountRowCache<Value> {
  readonly #entries = new Map<string, Value>();
  readonly #dataVersion: Database.Statement<[], number>;
  #seenDataVersion: number;
  /** Moves with every forgetting, so a read that overlapped a change does not keep what it read. */
  #changes = 0;

  constructor(sqlite: Database.Database) {
    this.#dataVersion = sqlite.prepare<[], number>("PRAGMA data_version").pluck();
    this.#seenDataVersion = this.#dataVersion.get()!;
    sqlite.function("hearth_account_row_changed", { deterministic: false, directOnly: false }, (accountId: unknown) => {
      if (typeof accountId === "string") this.forget(accountId);
      return null;
    });
    for (const [table, column] of [
      ["accounts", "id"],
      ["account_stats", "account_id"],
    ] as const) {
      sqlite.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${table}_insert AFTER INSERT ON main.${table}
          BEGIN SELECT hearth_account_row_changed(NEW.${column}); END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${table}_update AFTER UPDATE ON main.${table}
          BEGIN SELECT hearth_account_row_changed(OLD.${column}); SELECT hearth_account_row_changed(NEW.${column}); END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${table}_delete AFTER DELETE ON main.${table}
          BEGIN SELECT hearth_account_row_changed(OLD.${column}); END;
      `);
    }
  }

  /** Where the cache stands now: give it back to `keep` for what is read from here on. */
  mark(): number {
    const dataVersion = this.#dataVersion.get()!;
    if (dataVersion !== this.#seenDataVersion) {
      this.#seenDataVersion = dataVersion;
      this.clear();
    }
    return this.#changes;
  }

  get(accountId: string): Value | undefined {
    const value = this.#entries.get(accountId);
    if (value === undefined) return undefined;
    // Most recently used last: the first key is the one to drop.
    this.#entries.delete(accountId);
    this.#entries.set(accountId, value);
    return value;
  }

  /** Keeps what was read after `mark` returned `since`, unless something changed meanwhile. */
  keep(since: number, accountId: string, value: Value): void {
    if (since !== this.#changes) return;
    this.#entries.set(accountId, value);
    if (this.#entries.size > MOST_CACHED_ACCOUNTS) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(accountId: string): void {
    this.#changes++;
    this.#entries.delete(accountId);
  }

  clear(): void {
    this.#changes++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The raw connection of each database openDatabase opened, so its cache can be made on first use: after the
 * migrations, which may rebuild a table (and drop the triggers on it). Keyed by the Kysely instance, so a
 * transaction (another instance, whose reads may see its own uncommitted rows) never uses the cache.
 */
const connections = new WeakMap<Db, Database.Database>();
const caches = new WeakMap<Db, AccountRowCache<unknown>>();

export function registerAccountRowCacheConnection(db: Db, sqlite: Database.Database): void {
  connections.set(db, sqlite);
}

/** The cache of this database, or none for a transaction or a database openDatabase did not open. */
export function accountRowCacheOf<Value>(db: Db): AccountRowCache<Value> | undefined {
  let cache = caches.get(db);
  if (!cache) {
    const sqlite = connections.get(db);
    if (!sqlite || !sqlite.open) return undefined;
    cache = new AccountRowCache<unknown>(sqlite);
    caches.set(db, cache);
  }
  return cache as AccountRowCache<Value>;
}
