import { createOutgoingFetch } from "../net/outgoing-fetch.ts";
import { PublicFetchError } from "../net/outgoing-policy.ts";

/**
 * A GET of a page (or its picture) that a status links to. Anyone can post a link, so it goes through the
 * guarded fetch (server/net/): every address checked when connecting and on each redirect, one deadline for
 * the whole walk, so a slow server cannot hold a worker. Unlike remote media, plain http is fine on the public
 * internet (plenty of pages still are), and a page longer than the limit is cut rather than refused: its
 * <head> is what we read.
 */

/** More than the chunks a stream holds ahead of its reader, so a cut page is never refused instead. */
const TRUNCATION_SLACK = 256 * 1024;

export interface ResourceFetchOptions {
  /** --allow-private-network: loopback and LAN addresses are fetched too. */
  allowPrivateNetwork: boolean;
  maxBytes: number;
  /** A longer body is cut at maxBytes (a page) or refused (a picture, which is useless cut). */
  overflow: "truncate" | "refuse";
  accept: string;
  userAgent: string;
  timeoutMs: number;
  maxRedirects: number;
  /** Aborts the fetch (the instance is closing). */
  signal?: AbortSignal;
}

export interface FetchedResource {
  /** Where the body came from, after redirects. */
  url: URL;
  /** The media type in lower case, without parameters ("text/html"). */
  mediaType: string;
  /** Content-Type's charset parameter, if given. */
  charset: string | undefined;
  body: Uint8Array;
  /** Whether the body was cut at maxBytes. */
  isTruncated: boolean;
}

function parseContentType(header: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = "", ...parameters] = (header ?? "").split(";");
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Reads up to maxBytes of a body and stops there, cut (a page) or refused (a picture, which is useless cut). */
async function readBody(response: Response, options: ResourceFetchOptions): Promise<{ body: Uint8Array; isTruncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return { body: new Uint8Array(), isTruncated: false };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: new Uint8Array(Buffer.concat(chunks)), isTruncated: false };
    if (total + value.byteLength > options.maxBytes) {
      await reader.cancel();
      if (options.overflow === "refuse") throw new PublicFetchError(`${response.url} is more than the ${options.maxBytes} bytes accepted.`);
      chunks.push(value.subarray(0, options.maxBytes - total));
      return { body: new Uint8Array(Buffer.concat(chunks)), isTruncated: true };
    }
    total += value.byteLength;
    chunks.push(value);
  }
}

/** The resource at a public address (or a private one, when allowed), followed through a few redirects. */
export async function fetchLinkedResource(address: string, options: ResourceFetchOptions): Promise<FetchedResource> {
  const outgoing = createOutgoingFetch({ policy: { allowPrivateNetwork: options.allowPrivateNetwork }, keepAlive: false });
  const response = await outgoing.fetch(
    address,
    { headers: { "User-Agent": options.userAgent, Accept: options.accept }, signal: options.signal },
    // A page is cut at maxBytes here, so the fetch's own limit leaves room for what is already on its way.
    { timeoutMs: options.timeoutMs, maxRedirects: options.maxRedirects, maxBytes: options.overflow === "truncate" ? options.maxBytes + TRUNCATION_SLACK : options.maxBytes },
  );
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new PublicFetchError(`${response.url} answered ${response.status}.`);
  }
  const { mediaType, charset } = parseContentType(response.headers.get("content-type") ?? undefined);
  const { body, isTruncated } = await readBody(response, options);
  return { url: new URL(response.url), mediaType, charset, body, isTruncated };
}
