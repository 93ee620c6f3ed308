import { readJson, writeJson, type KeyValueStore } from "./key-value-store.ts";

/**
 * What was last read (timelines, threads, profiles), kept so that it can be read again offline. Bounded:
 * the least recently written entries go first, and a full store gives up old entries rather than the new one.
 */
export class OfflineCache {
  readonly #store: KeyValueStore;
  readonly #prefix: string;
  readonly #maxEntries: number;

  constructor(store: KeyValueStore, accountId: string, maxEntries = 60) {
    this.#store = store;
    this.#prefix = `hearth.cache.${accountId}.`;
    this.#maxEntries = maxEntries;
  }

  #index(): string[] {
    return readJson<string[]>(this.#store, `${this.#prefix}index`) ?? [];
  }

  get<T>(name: string): T | undefined {
    return readJson<T>(this.#store, this.#prefix + name);
  }

  /** Every entry kept, most recently written first (for searching them offline). */
  values(): unknown[] {
    return this.#index().flatMap((name) => {
      const value = readJson<unknown>(this.#store, this.#prefix + name);
      return value === undefined ? [] : [value];
    });
  }

  put(name: string, value: unknown): void {
    let index = [name, ...this.#index().filter((entry) => entry !== name)];
    while (index.length > this.#maxEntries) this.#store.removeItem(this.#prefix + index.pop());
    // On a full store, drop the older half and try once more; failing that, this entry is simply not kept.
    if (!writeJson(this.#store, this.#prefix + name, value)) {
      const keep = Math.max(1, Math.floor(index.length / 2));
      for (const old of index.slice(keep)) this.#store.removeItem(this.#prefix + old);
      index = index.slice(0, keep);
      if (!writeJson(this.#store, this.#prefix + name, value)) index = index.filter((entry) => entry !== name);
    }
    writeJson(this.#store, `${this.#prefix}index`, index);
  }

  /** Forgets everything of this account (on sign-out: the next person at this browser must not read it). */
  clear(): void {
    for (const name of this.#index()) this.#store.removeItem(this.#prefix + name);
    this.#store.removeItem(`${this.#prefix}index`);
  }
}
