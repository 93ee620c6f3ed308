import { isIP } from "node:net";
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { HttpBindings } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { HonoApiEnv } from "../api/hono-env.ts";

const logger = getLogger(["hearth", "http", "requests"]);

/**
 * Which of the server's two doors a request came in by. "main" is the address the user and the desktop app
 * know (--host/--port); "tunnel" is a second loopback listener whose address only Hearth's own cloudflared is
 * given. Only that listener's requests are believed about who sent them: anybody can write Cf-Connecting-IP,
 * X-Forwarded-For or Forwarded, and a limit keyed on what the client wrote is no limit.
 */
export type Listener = "main" | "tunnel";

/** What each listener adds to the Node adapter's bindings (c.env), beside incoming and outgoing. */
export interface ListenerBindings {
  listener: Listener;
}

export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Each connection's peer, asked of the socket once: a keep-alive connection brings many requests, and Node
 * checks the address anew (link-local IPv6 scopes) every time it is asked. */
const peerOfSocket = new WeakMap<object, string>();

function peerAddress(c: Context): string | undefined {
  const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
  const known = socket && peerOfSocket.get(socket);
  if (known !== undefined) return known;
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    // Not served by the Node adapter (app.request in a test): there is no socket to ask.
    return undefined;
  }
  if (socket && address !== undefined) peerOfSocket.set(socket, address);
  return address;
}

export function isThroughTunnel(c: Context): boolean {
  return (c.env as Partial<ListenerBindings> | undefined)?.listener === "tunnel";
}

function cloudflareClient(c: Context): string | undefined {
  const named = c.req.header("cf-connecting-ip")?.trim();
  return named && isIP(named) !== 0 ? named : undefined;
}

/**
 * Who sent the request, for logs and rate limits. Through the tunnel's listener every request comes from
 * cloudflared, and Cloudflare names the real client in Cf-Connecting-IP (it replaces whatever the client
 * wrote there); a request there without one is "unknown", never this computer. On the main listener the
 * socket's address is the client: this computer, or a LAN client when --host opens it to the LAN. Forwarded
 * headers are never read there, and X-Forwarded-For nowhere (its first entry is whatever the client wrote).
 */
export function clientAddress(c: Context): string {
  if (isThroughTunnel(c)) return cloudflareClient(c) ?? "unknown";
  return peerAddress(c) ?? "unknown";
}

/**
 * A request of this computer's own (the desktop app, scripts): on the main listener from loopback. One that
 * carries Cf-Connecting-IP there came through a tunnel routed to the wrong port (requestLog warns of it),
 * so it is some visitor's, not this computer's, even though it cannot say whose.
 */
export function isThisComputer(c: Context): boolean {
  if (isThroughTunnel(c) || c.req.header("cf-connecting-ip") !== undefined) return false;
  const peer = peerAddress(c);
  return peer !== undefined && isLoopback(peer);
}

/** Names the client for the API's handlers (c.get("client")), which cannot see the listener themselves. */
export function identifyClient() {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    c.set("client", { address: clientAddress(c), isThroughTunnel: isThroughTunnel(c) });
    await next();
  });
}

/**
 * One debug line per request, naming the client as clientAddress() sees it. And one warning a run when a
 * request forwarded by Cloudflare arrives on the main listener: a named tunnel's route is set in the Cloudflare
 * dashboard, and one set up before the tunnel had a listener of its own points at the main port, where its
 * visitors' addresses are not believed.
 */
export function requestLog() {
  let hasWarnedOfForwarding = false;
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    if (!hasWarnedOfForwarding && !isThroughTunnel(c) && c.req.header("cf-connecting-ip") !== undefined) {
      hasWarnedOfForwarding = true;
      logger.warn(
        "A request forwarded by Cloudflare reached Hearth's main port, where its visitor's address is not believed. " +
          "Route the tunnel's public hostname to the local service address shown in Settings > Reachability.",
      );
    }
    await next();
    // Properties as a callback: LogTape calls it only when debug lines are kept, so a request logged at no
    // level is not described for nothing.
    logger.debug("{method} {path} {status} from {client} via {listener} in {ms} ms", () => ({
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      client: clientAddress(c),
      listener: isThroughTunnel(c) ? "tunnel" : "main",
      ms: Math.round(performance.now() - started),
    }));
  });
}
