import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { pipeline, Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { scavengeSoon } from "../memory/garbage-collection.ts";
import { HEARTH_VERSION } from "../version.ts";
import { checkLiteralAddress, guardedLookup, PublicFetchError, type OutgoingPolicy } from "./outgoing-policy.ts";

/**
 * fetch() for every request Hearth makes to another server: deliveries, documents, WebFinger, NodeInfo, media,
 * link previews, Web Push. On top of the address guard (outgoing-policy.ts, checked on every hop), each exchange
 * has one deadline from the first byte sent to the last byte read, and its body is counted while it streams,
 * on the wire and again once decompressed, whatever Content-Length said. A peer that drips, sends a huge
 * document or a gzip bomb costs us at most the limits, never the memory to hold it.
 */

export interface ExchangeLimits {
  /** The whole exchange: connecting, every redirect, the headers and the last byte of the body. */
  timeoutMs: number;
  /** Bytes of body read, counted on the wire and again once decompressed. */
  maxBytes: number;
  maxRedirects: number;
  /** A caller's own rule for every address asked (https only, ...); throws to refuse. */
  checkUrl?(url: URL): void;
}

/**
 * A remote document (actor, object, key, collection, WebFinger, NodeInfo): 10 s for the whole exchange, as
 * Mastodon allows, and 1 MB, as Mastodon's JSON documents are limited.
 */
export const DOCUMENT_LIMITS: ExchangeLimits = { timeoutMs: 10_000, maxBytes: 1024 * 1024, maxRedirects: 5 };

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface OutgoingFetch {
  /** fetch() under the policy, with the limits given (the fetcher's own otherwise). */
  fetch(input: string | URL | Request, init?: RequestInit, limits?: Partial<ExchangeLimits>): Promise<Response>;
  /** Closes kept-alive connections. */
  close(): void;
}

export interface OutgoingFetchOptions {
  policy: OutgoingPolicy;
  /** DOCUMENT_LIMITS unless given. */
  limits?: Partial<ExchangeLimits>;
  /** Whether connections are kept for the next request (true): a fetcher made for one request need not. */
  keepAlive?: boolean;
  /**
   * Hosts the instance will not reach (a suspended domain): asked before every request and every redirect,
   * so deliveries, document loads and media fetches alike stop there.
   */
  refusesHost?(url: URL): Promise<boolean>;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A request reset before any answer on a connection kept from an earlier one: the peer closed it idle. */
class ResetOfReusedConnection extends Error {
  override readonly cause: Error;
  constructor(cause: Error) {
    super(cause.message);
    this.cause = cause;
  }
}

/** One deadline for a whole exchange, and the caller's own signal. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly unlink: () => void;

  constructor(address: string, timeoutMs: number, callerSignal: AbortSignal) {
    this.timer = setTimeout(() => this.controller.abort(new PublicFetchError(`${address} did not answer within ${timeoutMs} ms.`)), timeoutMs);
    // A body nobody reads to its end must not keep the process alive: the deadline still ends it.
    this.timer.unref();
    const onCallerAbort = () => this.controller.abort(callerSignal.reason);
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener("abort", onCallerAbort, { once: true });
    this.unlink = () => callerSignal.removeEventListener("abort", onCallerAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  end(): void {
    clearTimeout(this.timer);
    this.unlink();
  }
}

/** Fails the stream once more than maxBytes have passed through it. */
function byteCap(maxBytes: number, refusal: () => string, onRefused?: () => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.byteLength;
      if (total <= maxBytes) return callback(null, chunk);
      onRefused?.();
      callback(new PublicFetchError(refusal()));
    },
  });
}

function decoderFor(encoding: string): Transform | undefined {
  if (encoding === "gzip" || encoding === "x-gzip") return createGunzip();
  if (encoding === "deflate") return createInflate();
  if (encoding === "br") return createBrotliDecompress();
  return undefined;
}

function requestHeaders(headers: Headers): Record<string, string> {
  const sent = new Headers(headers);
  // Node writes these from the URL and the body, hop by hop; a stale one would be wrong after a redirect.
  for (const name of ["host", "content-length", "connection", "transfer-encoding"]) sent.delete(name);
  if (!sent.has("user-agent")) sent.set("user-agent", `Hearth/${HEARTH_VERSION}`);
  if (!sent.has("accept")) sent.set("accept", "*/*");
  if (!sent.has("accept-encoding")) sent.set("accept-encoding", "gzip, deflate, br");
  return Object.fromEntries(sent);
}

export function createOutgoingFetch(options: OutgoingFetchOptions): OutgoingFetch {
  const { policy } = options;
  const defaults: ExchangeLimits = { ...DOCUMENT_LIMITS, ...options.limits };
  const lookup = guardedLookup(policy);
  // The guard is in each socket's lookup, so kept-alive sockets were all checked when they connected.
  const keepAlive = options.keepAlive ?? true;
  const agents = { http: new HttpAgent({ keepAlive }), https: new HttpsAgent({ keepAlive }) };

  /**
   * A kept-alive connection may be closed by the peer (its idle timeout: 5 s for Node, Puma's 20 s) just as a
   * request goes out on it; the request then fails with a reset before any answer, and a delivery would wait a
   * minute for its retry. As Node's documentation advises (request.reusedSocket), such a request is sent once
   * more on a new connection: the peer closed an idle connection, it never read this request.
   */
  async function send(url: URL, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    try {
      return await sendOnce(url, method, headers, body, signal);
    } catch (error) {
      if (!(error instanceof ResetOfReusedConnection) || signal.aborted) throw error instanceof ResetOfReusedConnection ? error.cause : error;
      return await sendOnce(url, method, headers, body, signal);
    }
  }

  function sendOnce(url: URL, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    const isHttps = url.protocol === "https:";
    return new Promise((resolve, reject) => {
      const request = (isHttps ? httpsRequest : httpRequest)(
        url,
        { method, headers: requestHeaders(headers), agent: isHttps ? agents.https : agents.http, lookup },
        (response) => {
          signal.removeEventListener("abort", onAbort);
          resolve(response);
        },
      );
      const onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : new PublicFetchError(String(signal.reason)));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      request.on("error", (error: NodeJS.ErrnoException) => {
        signal.removeEventListener("abort", onAbort);
        reject(request.reusedSocket && error.code === "ECONNRESET" ? new ResetOfReusedConnection(error) : error);
      });
      request.end(body);
    });
  }

  function toResponse(message: IncomingMessage, url: URL, method: string, isRedirected: boolean, limits: ExchangeLimits, deadline: Deadline): Response {
    const status = message.statusCode ?? 0;
    const headers = new Headers();
    for (let index = 0; index + 1 < message.rawHeaders.length; index += 2) {
      try {
        headers.append(message.rawHeaders[index] ?? "", message.rawHeaders[index + 1] ?? "");
      } catch {
        // A header fetch could not carry either: left out.
      }
    }
    if (status < 200 || status > 599) {
      message.destroy();
      throw new PublicFetchError(`${url.href} answered with the status ${status}, which is not HTTP.`);
    }
    if (NULL_BODY_STATUSES.has(status) || method === "HEAD") {
      message.resume();
      message.once("end", () => deadline.end());
      return withUrl(new Response(null, { status, statusText: message.statusMessage, headers }), url, isRedirected);
    }
    // Content-Length is only a claim: a larger one is refused before reading, and what arrives is counted anyway.
    const declared = Number(message.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      message.destroy();
      throw new PublicFetchError(`${url.href} is ${declared} bytes, more than the ${limits.maxBytes} bytes accepted.`);
    }
    // A delivery's answer (202 and nothing else, as Mastodon gives) needs no stream: wrapping each in a Node
    // pipeline and a web stream cost a fan-out's 1,000 deliveries more than their connections did.
    if (declared === 0) {
      message.once("close", () => deadline.end());
      message.resume();
      return withUrl(new Response(null, { status, statusText: message.statusMessage, headers }), url, isRedirected);
    }
    const tooBig = () => `${url.href} is more than the ${limits.maxBytes} bytes accepted.`;
    const decoder = decoderFor((message.headers["content-encoding"] ?? "").trim().toLowerCase());
    // What was read before a cap is garbage once refused, held only by the young generation (garbage-collection.ts).
    if (!decoder) return withUrl(new Response(countedBody(message, limits.maxBytes, tooBig, deadline, scavengeSoon), { status, statusText: message.statusMessage, headers }), url, isRedirected);
    const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [message, byteCap(limits.maxBytes, tooBig, scavengeSoon)];
    if (decoder) {
      stages.push(decoder, byteCap(limits.maxBytes, () => `${url.href} decompresses to more than the ${limits.maxBytes} bytes accepted.`, scavengeSoon));
      headers.delete("content-encoding");
      headers.delete("content-length");
    }
    const onAbort = () => body.destroy(deadline.signal.reason instanceof Error ? deadline.signal.reason : new PublicFetchError(String(deadline.signal.reason)));
    const body = pipeline(stages, () => {
      deadline.signal.removeEventListener("abort", onAbort);
      deadline.end();
    }) as unknown as Readable;
    if (deadline.signal.aborted) onAbort();
    else deadline.signal.addEventListener("abort", onAbort, { once: true });
    const stream = Readable.toWeb(body) as ReadableStream<Uint8Array>;
    return withUrl(new Response(stream, { status, statusText: message.statusMessage, headers }), url, isRedirected);
  }

  async function exchange(request: Request, limits: ExchangeLimits, deadline: Deadline): Promise<Response> {
    let url = new URL(request.url);
    let method = request.method;
    const headers = new Headers(request.headers);
    let body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new PublicFetchError(`${url.href} is not an http(s) address.`);
      limits.checkUrl?.(url);
      checkLiteralAddress(url, policy);
      if (await options.refusesHost?.(url)) throw new PublicFetchError(`${url.host} is blocked by this instance; it is not reached.`);
      const message = await send(url, method, headers, body, deadline.signal);
      const status = message.statusCode ?? 0;
      const location = message.headers.location;
      if (!REDIRECT_STATUSES.has(status) || location === undefined || request.redirect === "manual") {
        return toResponse(message, url, method, redirects > 0, limits, deadline);
      }
      // A redirect's own body is never wanted; closing is cheaper than reading what a hostile peer sends.
      message.destroy();
      if (request.redirect === "error") throw new PublicFetchError(`${url.href} redirects, and this request may not follow.`);
      if (redirects >= limits.maxRedirects) throw new PublicFetchError(`${request.url} redirects more than ${limits.maxRedirects} times.`);
      const next = new URL(location, url);
      // As fetch does (Fetch standard, HTTP-redirect fetch): 303, and 301/302 after a POST, become a GET.
      if (status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
        method = "GET";
        body = undefined;
        for (const name of ["content-type", "content-encoding", "content-language", "content-location", "digest", "content-digest"]) headers.delete(name);
      }
      if (next.origin !== url.origin) {
        headers.delete("authorization");
        headers.delete("cookie");
      }
      url = next;
    }
  }

  return {
    async fetch(input, init, overrides) {
      const limits: ExchangeLimits = { ...defaults, ...overrides };
      // Fedify hands over a Request it made and signed: reading it as it is (fetch(request) consumes its body
      // too) spares a copy and the signal that follows the original, which undici unlinks at collection.
      const request = input instanceof Request && init === undefined ? input : new Request(input, init);
      const deadline = new Deadline(request.url, limits.timeoutMs, request.signal);
      try {
        return await exchange(request, limits, deadline);
      } catch (error) {
        deadline.end();
        // The deadline's reason says what happened better than the socket's "aborted".
        if (deadline.signal.aborted && deadline.signal.reason instanceof PublicFetchError) throw deadline.signal.reason;
        throw error;
      }
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/**
 * A body that is not compressed, as one web stream over the socket's message, counted as it streams: a
 * Node pipeline with a counting Transform, wrapped by Readable.toWeb, cost each delivery's answer (which
 * nobody reads) about 0.3 ms of CPU in bench/fan-out.ts's profile. The deadline ends it as it ends a pipeline.
 */
function countedBody(
  message: IncomingMessage,
  maxBytes: number,
  refusal: () => string,
  deadline: Deadline,
  onRefused: () => void,
): ReadableStream<Uint8Array> {
  let total = 0;
  let isSettled = false;
  let onAbort: () => void = () => undefined;
  const finish = () => {
    isSettled = true;
    deadline.signal.removeEventListener("abort", onAbort);
    deadline.end();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (error: Error) => {
        if (isSettled) return;
        finish();
        controller.error(error);
        message.destroy();
      };
      onAbort = () => fail(deadline.signal.reason instanceof Error ? deadline.signal.reason : new PublicFetchError(String(deadline.signal.reason)));
      if (deadline.signal.aborted) return onAbort();
      deadline.signal.addEventListener("abort", onAbort, { once: true });
      message.on("data", (chunk: Buffer) => {
        if (isSettled) return;
        total += chunk.byteLength;
        if (total > maxBytes) {
          onRefused();
          return fail(new PublicFetchError(refusal()));
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        // Backpressure: read on only when the reader wants more.
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.once("end", () => {
        if (isSettled) return;
        finish();
        controller.close();
      });
      message.once("error", fail);
      message.once("close", () => fail(new PublicFetchError("The peer closed the connection before the end of its answer.")));
    },
    pull() {
      message.resume();
    },
    cancel() {
      finish();
      message.destroy();
    },
  });
}

/** fetch's Response knows where it came from after redirects; one made by hand must be told. */
function withUrl(response: Response, url: URL, isRedirected: boolean): Response {
  Object.defineProperty(response, "url", { value: url.href });
  Object.defineProperty(response, "redirected", { value: isRedirected });
  return response;
}
