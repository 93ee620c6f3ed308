import { isIP } from "node:net";
import { isPublicAddress } from "../net/ip-addresses.ts";
import type { OutgoingFetch } from "../net/outgoing-fetch.ts";
import { PublicFetchError } from "../net/outgoing-policy.ts";

/**
 * Downloads a file a peer named (remote media) through the guarded fetch (server/net/): a peer can name any
 * URL, so every address is checked when connecting and on every redirect, the whole download has a deadline,
 * and no more than the media limit is read.
 */

/** Mastodon's read deadline for a download (its Request's READ_DEADLINE). */
export const MEDIA_TIMEOUT_MS = 30_000;

export interface PublicFetchOptions {
  /** --allow-private-network: loopback and LAN addresses are allowed, and plain http to them. */
  allowPrivateNetwork: boolean;
  maxBytes: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

/** Media is fetched over https, but for peers on this machine or the LAN when those are allowed (tests). */
function checkUrl(url: URL, allowPrivateNetwork: boolean): void {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const isLiteralPrivate = isIP(hostname) !== 0 && !isPublicAddress(hostname);
  if (url.protocol === "https:" && (!isLiteralPrivate || allowPrivateNetwork)) return;
  if (url.protocol === "http:" && allowPrivateNetwork) return;
  throw new PublicFetchError(`${url.href} is not fetched: remote media must be on https at a public address.`);
}

/** The body of a GET to a public URL (or a private one, when allowed), at most maxBytes of it. */
export async function fetchPublicFile(outgoing: OutgoingFetch, address: string, options: PublicFetchOptions): Promise<Uint8Array> {
  const response = await outgoing.fetch(
    address,
    { headers: { Accept: "image/*, video/*, audio/*" } },
    {
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs ?? MEDIA_TIMEOUT_MS,
      maxRedirects: options.maxRedirects ?? 3,
      checkUrl: (url) => checkUrl(url, options.allowPrivateNetwork),
    },
  );
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new PublicFetchError(`${response.url} answered ${response.status}.`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
