import { isIP } from "node:net";
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { getConnInfo } from "@hono/node-server/conninfo";

const logger = getLogger(["hearth", "http", "requests"]);

export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Not served by the Node adapter (app.request in a test): there is no socket to ask.
    return undefined;
  }
}

/**
 * Who sent the request, for logs and rate limits. Through the tunnel every request comes from cloudflared on
 * loopback, and Cloudflare names the real client in Cf-Connecting-IP. X-Forwarded-For is not used: its first
 * entry is whatever the client wrote there. The header is believed only from loopback, where cloudflared is.
 */
export function clientAddress(c: Context): string {
  const peer = peerAddress(c);
  const forwarded = c.req.header("cf-connecting-ip")?.trim();
  if ((peer === undefined || isLoopback(peer)) && forwarded && isIP(forwarded) !== 0) return forwarded;
  return peer ?? "unknown";
}

/** One debug line per request, naming the client as clientAddress() sees it. */
export function requestLog() {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug("{method} {path} {status} from {client} in {ms} ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      client: clientAddress(c),
      ms: Math.round(performance.now() - started),
    });
  });
}
