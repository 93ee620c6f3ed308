import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";

/** No activity is near this size; Mastodon refuses inbox bodies over 1 MB too. */
export const INBOX_BODY_LIMIT = 1024 * 1024;

/** Refuses oversized inbox POSTs with 413 before Fedify reads (and parses) them. */
export function inboxBodyLimit() {
  return bodyLimit({
    maxSize: INBOX_BODY_LIMIT,
    // The rest of the body is never read, so the connection cannot carry another request: close it.
    onError: (c) => c.text("The activity is larger than 1 MB.", 413, { Connection: "close" }),
  });
}

/**
 * Reads an inbox POST's body once, after the limit: the guards after it (JSON shape, signature digest, key
 * ownership) take it from Hono's body cache (c.req.text(), c.req.arrayBuffer()), and Fedify is handed a
 * request carrying the same bytes. Each guard used to read a clone of the request, and every clone tees the
 * stream and copies each chunk.
 */
export function inboxBodyReadOnce() {
  return createMiddleware(async (c, next) => {
    const bytes = await c.req.arrayBuffer();
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  });
}

/** The inbox paths Fedify serves: the shared one and each account's. */
export const INBOX_PATHS = ["/inbox", "/users/:username/inbox"] as const;
