import { ApiError, NetworkError } from "../api/http.ts";
import type { NewStatus } from "../api/mastodon.ts";
import { readJson, writeJson, type KeyValueStore } from "./key-value-store.ts";

/**
 * Posts written while the server could not be reached. Each keeps the Idempotency-Key it will be sent
 * with, so a post whose answer was lost on the way back is not posted twice when it is sent again.
 */
export interface QueuedPost {
  key: string;
  status: NewStatus;
  queuedAt: string;
  /** Why the server refused it, when it did: the post waits for the person to change or discard it. */
  refusal?: string;
}

export interface FlushResult {
  sent: number;
  refused: number;
  /** Still waiting because the server is still out of reach. */
  waiting: number;
}

export class Outbox {
  readonly #store: KeyValueStore;
  readonly #storageKey: string;
  readonly #listeners = new Set<() => void>();
  #flushing: Promise<FlushResult> | undefined;
  #snapshot: QueuedPost[];

  constructor(store: KeyValueStore, accountId: string) {
    this.#store = store;
    this.#storageKey = `hearth.outbox.${accountId}`;
    this.#snapshot = readJson<QueuedPost[]>(store, this.#storageKey) ?? [];
  }

  list(): QueuedPost[] {
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #write(posts: QueuedPost[]): void {
    this.#snapshot = posts;
    writeJson(this.#store, this.#storageKey, posts);
    for (const listener of this.#listeners) listener();
  }

  add(status: NewStatus, key: string, now = new Date()): QueuedPost {
    const post: QueuedPost = { key, status, queuedAt: now.toISOString() };
    this.#write([...this.#snapshot, post]);
    return post;
  }

  remove(key: string): void {
    this.#write(this.#snapshot.filter((post) => post.key !== key));
  }

  /**
   * Sends what waits, oldest first, so replies follow what they answer. Stops at the first sign the server
   * is out of reach again; a refusal (the server said no) is kept with its reason and the rest go on.
   * Calls that overlap share one run, so no post is sent twice at once.
   */
  flush(send: (post: QueuedPost) => Promise<unknown>): Promise<FlushResult> {
    this.#flushing ??= this.#flush(send).finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #flush(send: (post: QueuedPost) => Promise<unknown>): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, refused: 0, waiting: 0 };
    for (const post of [...this.#snapshot]) {
      if (post.refusal !== undefined) continue;
      try {
        await send(post);
        this.remove(post.key);
        result.sent += 1;
      } catch (error) {
        if (error instanceof NetworkError) break;
        const refusal = error instanceof ApiError ? error.message : "This post could not be sent.";
        this.#write(this.#snapshot.map((item) => (item.key === post.key ? { ...item, refusal } : item)));
        result.refused += 1;
      }
    }
    result.waiting = this.#snapshot.filter((post) => post.refusal === undefined).length;
    return result;
  }
}
