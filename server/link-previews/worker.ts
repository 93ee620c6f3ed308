import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import type { CoreEvent } from "../core/events.ts";
import { attachPreviewCard, detachPreviewCard, loadPreviewSubject, removeUnusedPreviewCards } from "../core/statuses/preview-cards.ts";
import type { MediaStorage } from "../media/storage.ts";
import { HEARTH_VERSION } from "../version.ts";
import { CARD_FRESH_FOR_MS, createCardFetcher, type CardFetchTiming } from "./card-fetcher.ts";
import { isReservedExampleHost } from "../net/outgoing-policy.ts";
import { previewLinkOf } from "./status-link.ts";

const logger = getLogger(["hearth", "link-previews"]);

/**
 * Gives statuses their link preview cards in the background, after they are posted, arrive or are edited
 * (core's status.created and status.updated events), a few at a time. A status is shown at once without its
 * card; the card is there the next time a client loads the status, as on Mastodon.
 */

const DEFAULT_CONCURRENCY = 2;
// Mastodon's ActivityPub Create handler waits 1 to 59 seconds: every server that receives a popular post
// would otherwise fetch the linked page in the same second.
const DEFAULT_REMOTE_SPREAD_MS = 59_000;
// Statuses waiting for their card, at most (a catch-up after days away can bring thousands): beyond this,
// arrivals go without one rather than piling up.
const MAX_WAITING = 500;
const PRUNE_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface LinkPreviewTiming extends CardFetchTiming {
  /** Remote statuses wait a random time up to this before their link is read (0 in tests). */
  remoteSpreadMs: number;
}

export interface LinkPreviewOptions {
  core: CoreContext;
  storage: MediaStorage;
  origin(): string;
  /** Where this machine reaches the server: links to it, as to the origin, are not previewed. */
  localUrl: string;
  allowPrivateNetwork: boolean;
  matrixLimit: number;
  concurrency?: number;
  timing?: Partial<LinkPreviewTiming>;
}

export interface LinkPreviews {
  /** Stops listening, drops what waits, aborts fetches under way and waits for them to end. */
  stop(): Promise<void>;
}

export function startLinkPreviews(options: LinkPreviewOptions): LinkPreviews {
  const { core } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const remoteSpreadMs = options.timing?.remoteSpreadMs ?? DEFAULT_REMOTE_SPREAD_MS;
  const stopping = new AbortController();
  const fetcher = createCardFetcher({
    core,
    storage: options.storage,
    allowPrivateNetwork: options.allowPrivateNetwork,
    userAgent: () => `Hearth/${HEARTH_VERSION} (+${options.origin()}) Bot`,
    matrixLimit: options.matrixLimit,
    timing: options.timing,
    signal: stopping.signal,
  });

  const waiting: string[] = [];
  const waitingSet = new Set<string>();
  const running = new Set<string>();
  /** Statuses edited while their card was being made: they are looked at again after. */
  const again = new Set<string>();
  const delays = new Set<NodeJS.Timeout>();
  const underWay = new Set<Promise<void>>();

  const isOwnUrl = (url: URL) => {
    const origins = [options.origin(), options.localUrl].map((address) => new URL(address).origin);
    return origins.includes(url.origin);
  };

  async function updateCard(statusId: string): Promise<void> {
    const subject = await loadPreviewSubject(core, statusId);
    // A boost shows the card of what it boosts.
    if (!subject || subject.status.reblog_of_id !== null) return;
    // Mastodon does not read links of remote posts behind a content warning.
    const link = subject.status.local === 0 && subject.status.spoiler_text !== "" ? undefined : previewLinkOf(subject, isOwnUrl);
    if (link === subject.attachedUrl) return;
    if (subject.attachedUrl !== undefined) await detachPreviewCard(core, statusId);
    // A name reserved for examples has no page behind it: no card, and no question to the network about it.
    if (link === undefined || isReservedExampleHost(new URL(link).hostname)) return;
    const cardId = await fetcher.cardFor(link);
    if (cardId !== undefined && !stopping.signal.aborted) await attachPreviewCard(core, statusId, cardId);
  }

  function pump(): void {
    while (running.size < concurrency && waiting.length > 0 && !stopping.signal.aborted) {
      const statusId = waiting.shift() as string;
      waitingSet.delete(statusId);
      running.add(statusId);
      const job = updateCard(statusId)
        .catch((error: unknown) => logger.warn("Could not make the link preview of status {statusId}: {error}", { statusId, error }))
        .finally(() => {
          running.delete(statusId);
          underWay.delete(job);
          if (again.delete(statusId)) enqueue(statusId);
          pump();
        });
      underWay.add(job);
    }
  }

  function enqueue(statusId: string): void {
    if (stopping.signal.aborted || waitingSet.has(statusId)) return;
    if (running.has(statusId)) {
      again.add(statusId);
      return;
    }
    if (waiting.length >= MAX_WAITING) {
      logger.debug("Too many statuses wait for link previews; status {statusId} goes without.", { statusId });
      return;
    }
    waiting.push(statusId);
    waitingSet.add(statusId);
    pump();
  }

  function onEvent(event: CoreEvent): void {
    if (event.type !== "status.created" && event.type !== "status.updated") return;
    const delayMs = event.local ? 0 : Math.floor(Math.random() * remoteSpreadMs);
    if (delayMs === 0) return enqueue(event.statusId);
    const timer = setTimeout(() => {
      delays.delete(timer);
      enqueue(event.statusId);
    }, delayMs);
    timer.unref();
    delays.add(timer);
  }

  async function prune(): Promise<void> {
    try {
      const before = new Date(core.clock.now().getTime() - (options.timing?.freshForMs ?? CARD_FRESH_FOR_MS)).toISOString();
      for (const file of await removeUnusedPreviewCards(core, before)) await options.storage.remove(file);
    } catch (error) {
      logger.warn("Could not remove unused link previews: {error}", { error });
    }
  }

  const unsubscribe = core.events.subscribe(onEvent);
  let pruning = prune();
  const pruneTimer = setInterval(() => {
    pruning = pruning.then(prune);
  }, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  return {
    async stop() {
      unsubscribe();
      clearInterval(pruneTimer);
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      waiting.length = 0;
      waitingSet.clear();
      stopping.abort();
      await Promise.all([...underWay, pruning]);
    },
  };
}
