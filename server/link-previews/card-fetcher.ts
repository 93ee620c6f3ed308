import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import { findPreviewCardByUrl, parseStoredPreviewCard, savePreviewCard, type StoredPreviewCard } from "../core/statuses/preview-cards.ts";
import type { MediaStorage } from "../media/storage.ts";
import { cardFromPage } from "./card-from-page.ts";
import { storeCardImage, type CardImage } from "./card-image.ts";
import { decodeHtml } from "./html-charset.ts";
import { fetchLinkedResource, type ResourceFetchOptions } from "./page-fetch.ts";
import { readPageMeta } from "./page-meta.ts";
import type { PreviewCardRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "link-previews"]);

/**
 * The card for a link: from the database while it is fresh, else by reading the page once, however many
 * statuses ask at the same time. A link that gave no card is left alone for a while, so a dead link in a
 * thread of replies is not fetched again for each reply.
 */

// Mastodon reads a page again after two weeks.
export const CARD_FRESH_FOR_MS = 14 * 24 * 60 * 60 * 1000;
const DEFAULT_FAILURE_BACKOFF_MS = 60 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 10_000;
// Mastodon reads the first megabyte of a page; the <head> is in it.
const MAX_PAGE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
// Links that failed, remembered at most: enough for a busy day, small enough to never matter.
const MAX_REMEMBERED_FAILURES = 1000;

export interface CardFetchTiming {
  freshForMs: number;
  failureBackoffMs: number;
  timeoutMs: number;
}

export interface CardFetcherOptions {
  core: CoreContext;
  storage: MediaStorage;
  allowPrivateNetwork: boolean;
  /** Sent as User-Agent: sites serve their OpenGraph tags to bots they can name. */
  userAgent(): string;
  matrixLimit: number;
  timing?: Partial<CardFetchTiming>;
  signal: AbortSignal;
}

export interface CardFetcher {
  /** The id of the card for this link, or undefined when the page gives none. */
  cardFor(linkUrl: string): Promise<string | undefined>;
}

class NoCard extends Error {
  override name = "NoCard";
}

export function createCardFetcher(options: CardFetcherOptions): CardFetcher {
  const { core } = options;
  const timing: CardFetchTiming = {
    freshForMs: options.timing?.freshForMs ?? CARD_FRESH_FOR_MS,
    failureBackoffMs: options.timing?.failureBackoffMs ?? DEFAULT_FAILURE_BACKOFF_MS,
    timeoutMs: options.timing?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const underWay = new Map<string, Promise<string | undefined>>();
  /** Link -> when it may be tried again. Insertion order is age order, so the oldest is dropped first. */
  const failedUntil = new Map<string, number>();

  const now = () => core.clock.now().getTime();
  const fetchOptions = (): Omit<ResourceFetchOptions, "maxBytes" | "overflow" | "accept"> => ({
    allowPrivateNetwork: options.allowPrivateNetwork,
    userAgent: options.userAgent(),
    timeoutMs: timing.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
    signal: options.signal,
  });

  function rememberFailure(linkUrl: string): void {
    failedUntil.delete(linkUrl);
    failedUntil.set(linkUrl, now() + timing.failureBackoffMs);
    if (failedUntil.size > MAX_REMEMBERED_FAILURES) failedUntil.delete(failedUntil.keys().next().value as string);
  }

  function hasFailedRecently(linkUrl: string): boolean {
    const until = failedUntil.get(linkUrl);
    if (until === undefined) return false;
    if (until > now()) return true;
    failedUntil.delete(linkUrl);
    return false;
  }

  async function image(imageUrl: string | null): Promise<CardImage | undefined> {
    if (!imageUrl) return undefined;
    try {
      return await storeCardImage(imageUrl, { storage: options.storage, fetch: fetchOptions(), matrixLimit: options.matrixLimit, now: core.clock.now() });
    } catch (error) {
      // A card without its picture is still a card, as Mastodon saves it.
      logger.debug("The picture {imageUrl} of a link preview was not kept: {error}", { imageUrl, error });
      return undefined;
    }
  }

  async function readCard(linkUrl: string): Promise<StoredPreviewCard> {
    const page = await fetchLinkedResource(linkUrl, {
      ...fetchOptions(),
      maxBytes: MAX_PAGE_BYTES,
      overflow: "truncate",
      accept: "text/html, application/xhtml+xml;q=0.9",
    });
    if (page.mediaType !== "text/html" && page.mediaType !== "application/xhtml+xml") throw new NoCard(`${linkUrl} is ${page.mediaType || "untyped"}, not a page.`);
    const card = cardFromPage(readPageMeta(decodeHtml(page.body, page.charset)), page.url);
    if (!card) throw new NoCard(`${linkUrl} has no title to show.`);
    const picture = await image(card.imageRemoteUrl);
    // Closing: a card whose picture fetch was cut short is not kept as if the picture could not be had.
    if (options.signal.aborted) {
      if (picture) await options.storage.remove(picture.file);
      throw new NoCard(`Stopped while reading ${linkUrl}.`);
    }
    return {
      ...card,
      imageFile: picture?.file ?? null,
      blurhash: picture?.blurhash ?? null,
      // A link card is as large as its picture; a video card as its player.
      width: card.type === "link" ? (picture?.width ?? 0) : card.width,
      height: card.type === "link" ? (picture?.height ?? 0) : card.height,
    };
  }

  /**
   * Whether a stored card can be shown without reading the page again: younger than two weeks, and with its
   * picture, or too young to try again for it (Mastodon reads the page again when the picture is missing).
   */
  function isFresh(row: PreviewCardRow): boolean {
    const age = now() - Date.parse(row.fetched_at);
    if (age >= timing.freshForMs) return false;
    const card = parseStoredPreviewCard(row.card_json);
    const isMissingImage = card !== null && card.imageRemoteUrl !== null && card.imageFile === null;
    return !isMissingImage || age < timing.failureBackoffMs;
  }

  async function resolve(linkUrl: string): Promise<string | undefined> {
    const known = await findPreviewCardByUrl(core, linkUrl);
    if (known && isFresh(known)) return known.id;
    // An old card is better than none while the page cannot be read again.
    if (hasFailedRecently(linkUrl)) return known?.id;
    let card: StoredPreviewCard;
    try {
      card = await readCard(linkUrl);
    } catch (error) {
      if (options.signal.aborted) return known?.id;
      rememberFailure(linkUrl);
      // Dead links, pages without titles and unreachable sites are everyday events, not faults of ours.
      logger.debug("No link preview for {linkUrl}: {error}", { linkUrl, error });
      return known?.id;
    }
    try {
      const saved = await savePreviewCard(core, linkUrl, card);
      if (saved.replacedImageFile) await options.storage.remove(saved.replacedImageFile);
      return saved.id;
    } catch (error) {
      if (card.imageFile) await options.storage.remove(card.imageFile).catch(() => {});
      throw error;
    }
  }

  return {
    cardFor(linkUrl) {
      let pending = underWay.get(linkUrl);
      if (!pending) {
        pending = resolve(linkUrl).finally(() => underWay.delete(linkUrl));
        underWay.set(linkUrl, pending);
      }
      return pending;
    },
  };
}
