import { getLogger } from "@logtape/logtape";
import { hasCachedAccountImage, accountImageOf, type AccountImageKind } from "../core/media/account-images.ts";
import type { CoreContext } from "../core/context.ts";
import type { CoreEvent } from "../core/events.ts";
import { notificationSubject, remoteMediaToFetch } from "../core/media/remote-media-retention.ts";
import type { RemoteAccountImageCache } from "./remote-account-images.ts";
import type { RemoteMediaCache } from "./remote-cache.ts";

const logger = getLogger(["hearth", "media"]);

export interface RemoteMediaPrefetchOptions {
  core: CoreContext;
  media: RemoteMediaCache;
  accountImages: RemoteAccountImageCache;
  /** Fetches at once, over all peers. Small: a home server shares its line with its household. */
  concurrency?: number;
  /** Fetches waiting at most; beyond that, media is left to be fetched when someone looks at it. */
  maxQueued?: number;
}

export interface RemoteMediaPrefetch {
  /** Resolves once nothing is being fetched or looked up (tests; the queue may still hold work). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface Job {
  key: string;
  /** The peer's host: one fetch at a time per host, to be polite to small servers. */
  host: string;
  run(): Promise<unknown>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/**
 * Fetches ahead the media of remote statuses that enter a local account's home feed or notifications, and the
 * avatars and headers of their authors, so the archive has them offline. In the background, after the
 * transaction that delivered the status: a few fetches at once, one per peer, a bounded queue; what fails is
 * left to the on-demand fetch of /media_proxy.
 */
export function startRemoteMediaPrefetch(options: RemoteMediaPrefetchOptions): RemoteMediaPrefetch {
  const { core } = options;
  const concurrency = options.concurrency ?? 2;
  const maxQueued = options.maxQueued ?? 500;
  const queue: Job[] = [];
  const known = new Set<string>();
  const busyHosts = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  function pump(): void {
    while (!stopped && busyHosts.size < concurrency) {
      const index = queue.findIndex((job) => !busyHosts.has(job.host));
      if (index === -1) return;
      const [job] = queue.splice(index, 1);
      if (!job) return;
      busyHosts.add(job.host);
      const running = job
        .run()
        .catch((error: unknown) => logger.debug("Prefetching {key} failed: {error}", { key: job.key, error }))
        .finally(() => {
          busyHosts.delete(job.host);
          known.delete(job.key);
          inFlight.delete(running);
          pump();
        });
      inFlight.add(running);
    }
  }

  function enqueue(job: Job): void {
    if (stopped || known.has(job.key) || queue.length >= maxQueued) return;
    known.add(job.key);
    queue.push(job);
  }

  async function prefetch(subject: { statusId?: string | null; accountIds?: readonly string[] }): Promise<void> {
    const { media, accounts } = await remoteMediaToFetch(core, subject);
    for (const row of media) {
      if (row.remote_url === null) continue;
      enqueue({ key: `media/${row.id}`, host: hostOf(row.remote_url), run: () => options.media.ensureCached(row.id) });
    }
    for (const account of accounts) {
      for (const kind of ["avatar", "header"] as const satisfies readonly AccountImageKind[]) {
        const { remoteUrl } = accountImageOf(account, kind);
        if (remoteUrl === null || hasCachedAccountImage(account, kind)) continue;
        enqueue({ key: `${kind}/${account.id}`, host: hostOf(remoteUrl), run: () => options.accountImages.ensureCached(account.id, kind) });
      }
    }
    pump();
  }

  function track(work: Promise<void>): void {
    const running = work.catch((error: unknown) => logger.warn("Could not look up remote media to fetch ahead: {error}", { error }));
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  }

  const unsubscribe = core.events.subscribe((event: CoreEvent) => {
    if (stopped) return;
    if (event.type === "status.created" && event.homeAccountIds.length > 0) {
      track(prefetch({ statusId: event.statusId }));
    } else if (event.type === "notification.created") {
      track(notificationSubject(core, event.notificationId).then((subject) => (subject ? prefetch(subject) : undefined)));
    }
  });

  async function settle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    idle: settle,
    async stop() {
      stopped = true;
      unsubscribe();
      queue.length = 0;
      await settle();
    },
  };
}
