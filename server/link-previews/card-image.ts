import { extensionFor, sniffMedia } from "../media/media-types.ts";
import { makePreview, readImageHeader } from "../media/image-processing.ts";
import { PublicFetchError } from "../net/outgoing-policy.ts";
import { randomFileToken, type MediaStorage } from "../media/storage.ts";
import { fetchLinkedResource, type ResourceFetchOptions } from "./page-fetch.ts";

/**
 * A card's picture, kept here as a preview-sized copy with its blurhash, as Mastodon keeps card images: the
 * readers' apps then load it from this server, not from the linked site (which would learn who reads what).
 */

// Mastodon's PreviewCard image limit is a few megabytes; a card shows a thumbnail, not a poster.
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface CardImage {
  /** The stored file under media/ ("cards/2026-01/<random>.jpg"). */
  file: string;
  width: number;
  height: number;
  blurhash: string;
}

export interface CardImageOptions {
  storage: MediaStorage;
  fetch: Omit<ResourceFetchOptions, "maxBytes" | "overflow" | "accept">;
  matrixLimit: number;
  /** For the month folder the file goes in. */
  now: Date;
}

export async function storeCardImage(imageUrl: string, options: CardImageOptions): Promise<CardImage> {
  const fetched = await fetchLinkedResource(imageUrl, { ...options.fetch, maxBytes: MAX_IMAGE_BYTES, overflow: "refuse", accept: "image/*" });
  // The bytes say what it is; the site's Content-Type may be wrong or lie.
  const sniffed = await sniffMedia(fetched.body);
  if (sniffed?.kind !== "image") throw new PublicFetchError(`${imageUrl} is not an image this server shows.`);
  const header = await readImageHeader(fetched.body);
  if (header.width * header.height > options.matrixLimit) throw new PublicFetchError(`${imageUrl} is ${header.width}x${header.height} pixels, too many.`);
  const preview = await makePreview(fetched.body, options.matrixLimit);
  const file = `cards/${options.now.toISOString().slice(0, 7)}/${randomFileToken()}.${extensionFor(preview.small.contentType)}`;
  await options.storage.write(file, preview.small.bytes);
  return { file, width: preview.small.dimensions.width, height: preview.small.dimensions.height, blurhash: preview.blurhash };
}
