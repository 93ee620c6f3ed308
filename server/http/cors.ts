import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";

const ALLOWED_METHODS = "GET,HEAD,PUT,POST,DELETE,PATCH";

export interface CorsOptions {
  /** Response headers a browser client may read, besides the CORS-safelisted ones. */
  exposeHeaders?: readonly string[];
  /** How long, in seconds, a browser may keep a preflight's answer. */
  maxAge?: number;
}

function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    // A response whose headers are immutable (Response.redirect, a fetched response): answer with a copy.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

/**
 * CORS for any origin, as Mastodon answers its API: browser clients (Elk, Phanpy) call it from their own
 * origins and page with the Link header. Not hono/cors: it touches c.res before the handler runs, so Hono
 * then copies the handler's response into a new one with a stream for a body; copying and streaming 60 KB
 * cost more than everything else in answering a page reused by recent-responses.ts (0.19 ms of CPU a
 * request against 0.04 ms now). Here the headers go onto the handler's own response after it ran.
 */
export function corsForAnyOrigin(options: CorsOptions = {}): MiddlewareHandler {
  const exposed = options.exposeHeaders?.length ? options.exposeHeaders.join(",") : undefined;
  return createMiddleware(async (c, next) => {
    if (c.req.method === "OPTIONS") {
      const headers = new Headers({ "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": ALLOWED_METHODS });
      if (exposed) headers.set("Access-Control-Expose-Headers", exposed);
      if (options.maxAge !== undefined) headers.set("Access-Control-Max-Age", String(options.maxAge));
      const requested = c.req.header("access-control-request-headers");
      if (requested) {
        headers.set("Access-Control-Allow-Headers", requested.split(",").map((name) => name.trim()).filter((name) => name !== "").join(","));
        headers.set("Vary", "Access-Control-Request-Headers");
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    setHeader(c, "Access-Control-Allow-Origin", "*");
    if (exposed) setHeader(c, "Access-Control-Expose-Headers", exposed);
  });
}
