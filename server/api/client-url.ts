import type { Context } from "hono";

/**
 * URLs for the Link header on the address the client used: the canonical origin when the request came
 * through it (the tunnel reaches us as plain http on loopback, with the public Host), else the loopback
 * address itself, so a desktop client paging on 127.0.0.1 stays there.
 */
export function clientUrl(c: Context, origin: string): (path: string) => string {
  const arrived = new URL(c.req.url);
  const canonical = new URL(origin);
  const base = arrived.host.toLowerCase() === canonical.host.toLowerCase() ? canonical.origin : arrived.origin;
  return (path) => new URL(path, base).href;
}
