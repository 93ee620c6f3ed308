import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress } from "./ip-addresses.ts";

/** A request Hearth makes was refused (a private address, too big, too slow, too many redirects, ...). */
export class PublicFetchError extends Error {
  override name = "PublicFetchError";
}

/** A resolver as dns.lookup answers with all: true. */
export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** Where outgoing requests may go. */
export interface OutgoingPolicy {
  /** --allow-private-network: loopback and LAN addresses may be reached too (tests, local federation). */
  allowPrivateNetwork: boolean;
  /** Tests only: stands in for DNS. */
  resolve?: ResolveAll;
  /** Tests only: what counts as an address on the internet. */
  isPublicAddress?(address: string): boolean;
}

const systemResolve: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * Names reserved for examples and tests (RFC 2606, RFC 6761): no server can be behind them, so asking the
 * network about one is wasted (and tests, which use them, never reach beyond this machine).
 */
export function isReservedExampleHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (["example.com", "example.net", "example.org"].some((name) => host === name || host.endsWith(`.${name}`))) return true;
  return /(^|\.)(example|test|invalid)$/.test(host);
}

function isAllowed(address: string, policy: OutgoingPolicy): boolean {
  return policy.allowPrivateNetwork || (policy.isPublicAddress ?? isPublicAddress)(address);
}

/**
 * The `lookup` for a socket: every address a name resolves to is checked when connecting, so a name cannot pass
 * a check and then connect elsewhere (DNS rebinding). A name with any private address is refused whole.
 */
export function guardedLookup(policy: OutgoingPolicy): LookupFunction {
  const resolve = policy.resolve ?? systemResolve;
  return (hostname, options, callback) => {
    if (isReservedExampleHost(hostname)) return callback(new PublicFetchError(`${hostname} is a name reserved for examples; it has no address.`), "", 0);
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.find((entry) => !isAllowed(entry.address, policy));
      if (refused) return callback(new PublicFetchError(`${hostname} resolves to ${refused.address}, a private address; it is not reached.`), "", 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new PublicFetchError(`${hostname} has no address.`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Refuses a URL whose host is a private IP literal: a socket connects to a literal without any lookup. */
export function checkLiteralAddress(url: URL, policy: OutgoingPolicy): void {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(hostname) !== 0 && !isAllowed(hostname, policy)) {
    throw new PublicFetchError(`${url.href} is at a private address; it is not reached.`);
  }
}

/**
 * Whether every address the URL's host resolves to may be reached (before sending something that cannot be
 * taken back, such as a delivery). The socket's own lookup checks again when it connects.
 */
export async function isReachable(url: URL, policy: OutgoingPolicy): Promise<boolean> {
  try {
    checkLiteralAddress(url, policy);
  } catch {
    return false;
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(hostname) !== 0 || policy.allowPrivateNetwork) return true;
  const lookup = guardedLookup(policy);
  return new Promise((resolve) => lookup(hostname, { all: true }, (error) => resolve(!(error instanceof PublicFetchError))));
}
