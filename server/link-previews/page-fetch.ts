import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { guardedLookup, isPublicAddress, PublicFetchError } from "../media/public-fetch.ts";

/**
 * A GET of a page (or its picture) that a status links to. Anyone can post a link, so it is guarded as remote
 * media is (server/media/public-fetch.ts): every address a name resolves to is checked when connecting, IP
 * literals before, and each redirect again. Unlike remote media, plain http is fine on the public internet
 * (plenty of pages still are), and a page longer than the limit is cut rather than refused: its <head> is
 * what we read. One deadline covers the whole walk, redirects and body, so a slow server cannot hold a worker.
 */

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

function checkUrl(url: URL, allowPrivateNetwork: boolean): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PublicFetchError(`${url.href} is not an http(s) address.`);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  // Node connects to an IP literal without a lookup, so the guarded lookup never sees it.
  if (isIP(hostname) !== 0 && !isPublicAddress(hostname) && !allowPrivateNetwork) {
    throw new PublicFetchError(`${url.href} is a private address; it is not fetched.`);
  }
}

function get(url: URL, options: ResourceFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: "GET",
        lookup: guardedLookup(options.allowPrivateNetwork),
        headers: { "User-Agent": options.userAgent, Accept: options.accept },
        signal,
      },
      resolve,
    );
    request.on("error", reject);
    request.end();
  });
}

function parseContentType(header: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = "", ...parameters] = (header ?? "").split(";");
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset };
}

async function readBody(response: IncomingMessage, url: URL, options: ResourceFetchOptions): Promise<{ body: Uint8Array; isTruncated: boolean }> {
  const declared = Number(response.headers["content-length"]);
  if (options.overflow === "refuse" && Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    throw new PublicFetchError(`${url.href} is ${declared} bytes, more than the ${options.maxBytes} accepted.`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    if (total + buffer.byteLength > options.maxBytes) {
      response.destroy();
      if (options.overflow === "refuse") throw new PublicFetchError(`${url.href} is more than the ${options.maxBytes} bytes accepted.`);
      chunks.push(buffer.subarray(0, options.maxBytes - total));
      return { body: new Uint8Array(Buffer.concat(chunks)), isTruncated: true };
    }
    total += buffer.byteLength;
    chunks.push(buffer);
  }
  return { body: new Uint8Array(Buffer.concat(chunks)), isTruncated: false };
}

async function walk(address: string, options: ResourceFetchOptions, signal: AbortSignal): Promise<FetchedResource> {
  let url = new URL(address);
  for (let redirects = 0; ; redirects++) {
    checkUrl(url, options.allowPrivateNetwork);
    const response = await get(url, options, signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= options.maxRedirects) throw new PublicFetchError(`${address} redirects more than ${options.maxRedirects} times.`);
      url = new URL(response.headers.location, url);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new PublicFetchError(`${url.href} answered ${status}.`);
    }
    const { mediaType, charset } = parseContentType(response.headers["content-type"]);
    const { body, isTruncated } = await readBody(response, url, options);
    return { url, mediaType, charset, body, isTruncated };
  }
}

/** The resource at a public address (or a private one, when allowed), followed through a few redirects. */
export async function fetchLinkedResource(address: string, options: ResourceFetchOptions): Promise<FetchedResource> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    return await walk(address, options, signal);
  } catch (error) {
    if (deadline.aborted) throw new PublicFetchError(`${address} did not answer within ${options.timeoutMs} ms.`, { cause: error });
    throw error;
  }
}
