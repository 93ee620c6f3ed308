import type { KvKey, KvStore, KvStoreSetOptions } from "@fedify/fedify";

/**
 * Fedify's inbox queue marks every activity it handed to a listener as processed under our origin and the
 * activity's id alone (whatever withIdempotency says), and then skips any later activity with that id. An
 * id that is not the sender's own (an activity refused for it in index.ts) must not be marked: else a
 * stranger who sends first under a predictable id of another server (a Mastodon status's `#delete`) would
 * have that server's real activity skipped. One set per federation (createHearthFederation), so two
 * instances in one process never share it.
 */

// Bounds the set should Fedify ever skip the mark (an inbox without a queue marks under another key).
const MAX_REFUSED = 10_000;

export class RefusedActivityIds {
  // "origin\nactivity id" of refused activities, until Fedify tries to mark them (right after the listener).
  readonly #refused = new Set<string>();

  refuseToMarkProcessed(origin: string, activityId: string): void {
    this.#refused.add(`${origin}\n${activityId}`);
    for (const oldest of this.#refused) {
      if (this.#refused.size <= MAX_REFUSED) break;
      this.#refused.delete(oldest);
    }
  }

  /** The KvStore Fedify is given: the same store, except that it never marks a refused activity processed. */
  withoutRefusedMarks(kv: KvStore): KvStore {
    return {
      get: (key) => kv.get(key),
      set: async (key: KvKey, value: unknown, options?: KvStoreSetOptions) => {
        if (!this.#isRefusedMark(key)) await kv.set(key, value, options);
      },
      delete: (key) => kv.delete(key),
      ...(kv.cas ? { cas: kv.cas.bind(kv) } : {}),
      list: (prefix) => kv.list(prefix),
    };
  }

  #isRefusedMark(key: KvKey): boolean {
    if (key.length !== 4 || key[0] !== "_fedify" || key[1] !== "activityIdempotence") return false;
    return this.#refused.delete(`${key[2]}\n${key[3]}`);
  }
}
