import type { Context } from "hono";

/** The canonical origin's host and origin, parsed once for as long as the origin stays the same. */
let canonicalOf: { origin: string; host: string; canonicalOrigin: string } | undefined;

function canonical(origin: string): { host: string; canonicalOrigin: string } {
  if (canonicalOf?.origin !== origin) {
    const url = new URL(origin);
    canonicalOf = { origin, host: url.host.toLowerCase(), canonicalOrigin: url.origin };
  }
  return canonicalOf;
}

/**
 * URLs for the Link header on the address the client used: the canonical origin when the request came
 * through it (the tunnel reaches us as plain http on loopback, with the public Host), else the loopback
 * address itself, so a desktop client paging on 127.0.0.1 stays there.
 */
export function clientUrl(c: Context, origin: string): (path: string) => string {
  const arrived = new URL(c.req.url);
  const { host, canonicalOrigin } = canonical(origin);
  const base = arrived.host.toLowerCase() === host ? canonicalOrigin : arrived.origin;
  return (path) => new URL(path, base).href;
}
