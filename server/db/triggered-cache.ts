import type Database from "better-sqlite3";

/** A table whose rows a cached value is read from, and the keys (SQL over the row, `R`) a changed row touches. */
export interface WatchedTable {
  table: string;
  /** SQL expressions over the changed row, written with `R.` (NEW or OLD in the trigger); a NULL touches none. */
  keys: readonly string[];
}

/**
 * Values read from the database, kept by key between pages (issue #19) and kept exact without asking every
 * writer to say what it changed: temporary triggers on this connection (they live and die with it and are in
 * no migration) call back here with the keys of every row added, changed or deleted in the tables watched,
 * by core's writes and by the triggers those fire alike. A commit by another connection (Fedify's, a `hearth`
 * command beside serve) moves SQLite's data_version, which empties the whole cache at the next read. A change
 * that rolls back forgets values for nothing, which costs a read and nothing else. Least recently used
 * values go first past `most`.
 */
export class TriggeredCache<Value> {
  readonly #entries = new Map<string, Value>();
  readonly #most: number;
  readonly #dataVersion: Database.Statement<[], number>;
  #seenDataVersion: number;
  /** Moves with every forgetting, so a read that overlapped a change does not keep what it read. */
  #changes = 0;

  constructor(sqlite: Database.Database, name: string, watched: readonly WatchedTable[], most: number) {
    this.#most = most;
    this.#dataVersion = sqlite.prepare<[], number>("PRAGMA data_version").pluck();
    this.#seenDataVersion = this.#dataVersion.get()!;
    const forget = `hearth_cache_forget_${name}`;
    sqlite.function(forget, { deterministic: false, directOnly: false }, (key: unknown) => {
      if (typeof key === "string") this.forget(key);
      return null;
    });
    for (const { table, keys } of watched) {
      const calls = (row: "NEW" | "OLD") => keys.map((key) => `SELECT ${forget}(${key.replaceAll("R.", `${row}.`)});`).join(" ");
      sqlite.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_insert AFTER INSERT ON main.${table} BEGIN ${calls("NEW")} END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_update AFTER UPDATE ON main.${table} BEGIN ${calls("OLD")} ${calls("NEW")} END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_delete AFTER DELETE ON main.${table} BEGIN ${calls("OLD")} END;
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

  get(key: string): Value | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Most recently used last: the first key is the one to drop.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Keeps what was read after `mark` returned `since`, unless something changed meanwhile. */
  keep(since: number, key: string, value: Value): void {
    if (since !== this.#changes) return;
    this.#entries.set(key, value);
    if (this.#entries.size > this.#most) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(key: string): void {
    this.#changes++;
    this.#entries.delete(key);
  }

  clear(): void {
    this.#changes++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
