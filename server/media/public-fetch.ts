import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { HEARTH_VERSION } from "../version.ts";

/**
 * Downloads a file a peer named (remote media), guarded as the fetches of a server must be: a peer can name
 * any URL, so without a guard it could make us fetch this machine's or the LAN's services (SSRF). Every
 * address a name resolves to is checked at connection time, so a name cannot pass the check and then connect
 * elsewhere (DNS rebinding); redirects are followed by hand and checked again.
 */

export interface PublicFetchOptions {
  /** --allow-private-network: loopback and LAN addresses are allowed, and plain http to them. */
  allowPrivateNetwork: boolean;
  maxBytes: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

export class PublicFetchError extends Error {
  override name = "PublicFetchError";
}

function ipv4Parts(address: string): number[] {
  return address.split(".").map(Number);
}

/** Whether an IP address is one anybody on the internet could reach (not loopback, private, link-local, ...). */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const [a = 0, b = 0] = ipv4Parts(address);
    return !(
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped?.[1]) return isPublicAddress(mapped[1]);
    return !(lower === "::" || lower === "::1" || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith("ff") || lower.startsWith("64:ff9b:"));
  }
  return false;
}

/**
 * Names reserved for examples and tests (RFC 2606, RFC 6761): no page can be behind them, so asking the network
 * about one is wasted (and tests, which use them, never reach beyond this machine).
 */
export function isReservedExampleHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (["example.com", "example.net", "example.org"].some((name) => host === name || host.endsWith(`.${name}`))) return true;
  return /(^|\.)(example|test|invalid)$/.test(host);
}

/** The `lookup` for http(s).request that refuses private addresses unless allowed (link previews use it too). */
export function guardedLookup(allowPrivateNetwork: boolean): LookupFunction {
  return (hostname, options, callback) => {
    if (isReservedExampleHost(hostname)) return callback(new PublicFetchError(`${hostname} is a name reserved for examples; it has no address.`), "", 0);
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const refused = allowPrivateNetwork ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused) {
        return callback(new PublicFetchError(`${hostname} resolves to ${refused.address}, a private address; it is not fetched.`), "", 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new PublicFetchError(`${hostname} has no address.`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

function checkUrl(url: URL, allowPrivateNetwork: boolean): void {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const isLiteralPrivate = isIP(hostname) !== 0 && !isPublicAddress(hostname);
  if (url.protocol === "https:" && (!isLiteralPrivate || allowPrivateNetwork)) return;
  // Plain http only where federation allows it: to this machine or the LAN, in tests and local setups.
  if (url.protocol === "http:" && allowPrivateNetwork) return;
  throw new PublicFetchError(`${url.href} is not fetched: remote media must be on https at a public address.`);
}

function get(url: URL, options: PublicFetchOptions): Promise<IncomingMessage> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: "GET",
        lookup: guardedLookup(options.allowPrivateNetwork),
        headers: { "User-Agent": `Hearth/${HEARTH_VERSION}`, Accept: "image/*, video/*, audio/*" },
        timeout: options.timeoutMs ?? 15_000,
      },
      resolve,
    );
    request.on("timeout", () => request.destroy(new PublicFetchError(`${url.href} did not answer in time.`)));
    request.on("error", reject);
    request.end();
  });
}

async function readBody(response: IncomingMessage, url: URL, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new PublicFetchError(`${url.href} is ${declared} bytes, more than the ${maxBytes} accepted.`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    total += buffer.byteLength;
    if (total > maxBytes) {
      response.destroy();
      throw new PublicFetchError(`${url.href} is more than the ${maxBytes} bytes accepted.`);
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The body of a GET to a public URL (or a private one, when allowed), at most maxBytes of it. */
export async function fetchPublicFile(address: string, options: PublicFetchOptions): Promise<Uint8Array> {
  let url = new URL(address);
  for (let redirects = 0; ; redirects++) {
    checkUrl(url, options.allowPrivateNetwork);
    const response = await get(url, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= (options.maxRedirects ?? 3)) throw new PublicFetchError(`${address} redirects too many times.`);
      url = new URL(response.headers.location, url);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new PublicFetchError(`${url.href} answered ${status}.`);
    }
    return readBody(response, url, options.maxBytes);
  }
}
