import type { DocumentLoader } from "@fedify/vocab";

/**
 * One request at a time per remote host, spaced by an interval, for background reading (catching up after
 * being away): a home server waking up must not hit a peer with hundreds of requests at once, and Mastodon
 * throttles clients that page through its collections quickly.
 */
export interface HostPoliteness {
  /** Runs the task when the host is free, and keeps it busy until the interval after the task ends. */
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
  /** A document loader whose fetches take their turn by host. */
  wrap(loader: DocumentLoader): DocumentLoader;
}

export function createHostPoliteness(intervalMs: number): HostPoliteness {
  // The turn of the last task queued for each host; a host with nothing queued has no entry.
  const lastTurn = new Map<string, Promise<void>>();

  async function run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const previous = lastTurn.get(host) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const turn = new Promise<void>((resolve) => {
      release = () => {
        if (lastTurn.get(host) === turn) lastTurn.delete(host);
        resolve();
      };
    });
    lastTurn.set(host, turn);
    await previous;
    try {
      return await task();
    } finally {
      if (intervalMs > 0) setTimeout(release, intervalMs).unref();
      else release();
    }
  }

  return {
    run,
    wrap: (loader) => (url, options) => run(new URL(url).host, () => loader(url, options)),
  };
}
