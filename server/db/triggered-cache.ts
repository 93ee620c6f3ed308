import type Database from "better-sqlite3";
import { dataVersionOf, type DataVersion } from "./data-version.ts";

/** A table whose rows a cached value is read from, and the keys (SQL over the row, `R`) a changed row touches. */
export interface WatchedTable {
  table: string;
  /** SQL expressions over the changed row, written with `R.` (NEW or OLD in the trigger); a NULL touches none. */
  keys: readonly string[];
  /**
   * Where the keys are read from when a changed row touches the values of other rows (a tag renamed touches
   * every status with it): a FROM clause, its WHERE written with `R.`, whose rows' `keys` are forgotten.
   */
  from?: string;
}

/** Pages are read with one data_version read for all who ask (data-version.ts). */
export { readingOnePage } from "./data-version.ts";

/** data_version values Fedify's told commits moved through, kept as the same state as the one last looked at. */
const MOST_SAME_VERSIONS = 16;

/**
 * What the caches of one connection share: whether another connection has committed since they last looked
 * (SQLite's data_version, read once for all of them), and a count of forgettings that a read in flight
 * compares against before it keeps what it read. A page marks once and reads all its caches with that mark.
 */
export class CacheGuard {
  readonly #caches: Array<TriggeredCache<unknown>> = [];
  readonly #dataVersion: DataVersion;
  /**
   * The data_version last looked at, and after it those that only this process's told commits (commitUnseen)
   * moved it to: a page that read data_version before such a commit and marks after it has nothing to empty.
   */
  #seenDataVersions: Set<number>;
  /** Moves with every forgetting, so a read that overlapped a change does not keep what it read. */
  #changes = 0;
  readonly #otherVersions = new WeakMap<Database.Database, Database.Statement<[], number>>();

  constructor(sqlite: Database.Database) {
    this.#dataVersion = dataVersionOf(sqlite);
    this.#seenDataVersions = new Set([this.#dataVersion.now()]);
  }

  add(cache: TriggeredCache<unknown>): void {
    this.#caches.push(cache);
  }

  /**
   * Where the caches stand now (emptied if another connection committed): give it back to `keep`. Inside
   * readingOnePage, with data_version as the page first read it.
   */
  mark(): number {
    this.#look(this.#dataVersion.forPage());
    return this.#changes;
  }

  /** Empties the caches if another connection committed since the last look at `dataVersion`. */
  #look(dataVersion: number): void {
    if (!this.#seenDataVersions.has(dataVersion)) {
      this.#seenDataVersions = new Set([dataVersion]);
      this.clearAll();
    }
  }

  /** Empties every cache this guard watches over, as another connection's commit does. */
  clearAll(): void {
    for (const cache of this.#caches) cache.clear();
  }

  /** Empties every cache this guard watches over and lets go of what they held before (an idle server's memory). */
  releaseAll(): void {
    for (const cache of this.#caches) cache.release();
  }

  changed(): void {
    this.#changes++;
  }

  isUnchangedSince(since: number): boolean {
    return since === this.#changes;
  }

  /**
   * Runs `work`, a write on `other` (another connection of this process) to tables no cache reads, in one
   * IMMEDIATE transaction, so that its commit does not empty the caches. Fedify's queue and key-value store
   * commit many times a second under federation, and every commit emptied them (issue #19).
   *
   * data_version only says that something committed, not what or how often, so the commit is told apart from
   * any other: inside the transaction, holding the write lock, the caches are marked (a commit before ours
   * empties them as usual) and `other`'s data_version is read. `other`'s data_version does not move for its
   * own commit, so if it has not moved after ours and after this connection's data_version is read again,
   * no one else (a `hearth` command beside serve) committed between the two reads, and the move seen was ours.
   * If it has moved, the caches are emptied at the next mark, as for any commit.
   */
  commitUnseen<T>(other: Database.Database, work: () => T): T {
    // Inside a transaction of its caller's, the commit is that transaction's, and is seen as any other.
    if (other.inTransaction) return work();
    let otherVersion = this.#otherVersions.get(other);
    if (!otherVersion) {
      otherVersion = other.prepare<[], number>("PRAGMA data_version").pluck();
      this.#otherVersions.set(other, otherVersion);
    }
    let otherBefore = 0;
    const result = other
      .transaction(() => {
        // A look of its own even inside a page that has looked: the move of data_version after it must be ours.
        this.#look(this.#dataVersion.now());
        otherBefore = otherVersion.get()!;
        return work();
      })
      .immediate();
    const dataVersion = this.#dataVersion.now();
    if (otherVersion.get() === otherBefore) {
      this.#seenDataVersions.add(dataVersion);
      if (this.#seenDataVersions.size > MOST_SAME_VERSIONS) this.#seenDataVersions.delete(this.#seenDataVersions.values().next().value!);
    }
    return result;
  }
}

/**
 * Values read from the database, kept by key between pages (issue #19) and kept exact without asking every
 * writer to say what it changed: temporary triggers on this connection (they live and die with it and are in
 * no migration) call back here with the keys of every row added, changed or deleted in the tables watched,
 * by core's writes and by the triggers those fire alike. A commit by another connection (a `hearth` command
 * beside serve, or one of this process's not made through CacheGuard.commitUnseen) moves SQLite's
 * data_version, which empties every cache of the guard at the next mark. A change that rolls back forgets
 * values for nothing, which costs a read and nothing else. Least recently used values go first past `most`.
 */
export class TriggeredCache<Value> {
  /** In the order placed, each with its place in that order (a count of placings). */
  #entries = new Map<string, { value: Value; placed: number }>();
  /**
   * What the cache held when it was last emptied (another connection committed, which says nothing of what),
   * for a loader that reads a value again to hand back the former object when what it read is the same
   * (former): what is made from a value and kept by its object (an account's JSON, its emoji's shortcodes)
   * then outlives the emptying. At most `most` values; a value the triggers forget goes from here too.
   */
  #former = new Map<string, { value: Value; placed: number }>();
  #placed = 0;
  readonly #most: number;
  readonly #guard: CacheGuard;

  constructor(sqlite: Database.Database, guard: CacheGuard, name: string, watched: readonly WatchedTable[], most: number) {
    this.#most = most;
    this.#guard = guard;
    guard.add(this as TriggeredCache<unknown>);
    const forget = `hearth_cache_forget_${name}`;
    sqlite.function(forget, { deterministic: false, directOnly: false }, (key: unknown) => {
      if (typeof key === "string") this.forget(key);
      return null;
    });
    for (const { table, keys, from } of watched) {
      const source = (row: "NEW" | "OLD") => (from === undefined ? "" : ` FROM ${from.replaceAll("R.", `${row}.`)}`);
      const calls = (row: "NEW" | "OLD") => keys.map((key) => `SELECT ${forget}(${key.replaceAll("R.", `${row}.`)})${source(row)};`).join(" ");
      sqlite.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_insert AFTER INSERT ON main.${table} BEGIN ${calls("NEW")} END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_update AFTER UPDATE ON main.${table} BEGIN ${calls("OLD")} ${calls("NEW")} END;
        CREATE TEMP TRIGGER IF NOT EXISTS hearth_cache_${name}_${table}_delete AFTER DELETE ON main.${table} BEGIN ${calls("OLD")} END;
      `);
    }
  }

  /** Where the caches of this one's guard stand now: give it back to `keep` for what is read from here on. */
  mark(): number {
    return this.#guard.mark();
  }

  get(key: string): Value | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Recently used last: the first key is the one to drop. An entry is moved back only once it has drifted
    // into the older half, which it cannot leave before it is dropped: a page reads two hundred values, and a
    // Map delete and set for each on every page was 2% of a fresh page's CPU (issue #19).
    if (this.#placed - entry.placed > this.#most >> 1) {
      this.#entries.delete(key);
      entry.placed = ++this.#placed;
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  /** Keeps what was read after `mark` returned `since`, unless something changed meanwhile. */
  keep(since: number, key: string, value: Value): void {
    if (!this.#guard.isUnchangedSince(since)) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, placed: ++this.#placed });
    if (this.#entries.size > this.#most) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(key: string): void {
    this.#guard.changed();
    this.#entries.delete(key);
    this.#former.delete(key);
  }

  /** What the cache held for `key` before its last emptying: only to be handed back if read again the same. */
  former(key: string): Value | undefined {
    return this.#former.get(key)?.value;
  }

  /** Empties the cache; what it held stays as `former` (an emptying with nothing held keeps the former ones). */
  clear(): void {
    this.#guard.changed();
    if (this.#entries.size === 0) return;
    this.#former = this.#entries;
    this.#entries = new Map();
  }

  /** Empties the cache and lets go of what it held before. */
  release(): void {
    this.clear();
    this.#former = new Map();
  }

  get size(): number {
    return this.#entries.size;
  }
}
