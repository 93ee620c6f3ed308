import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { mastodonError } from "../api/mastodon-error.ts";
import { Conflict, Forbidden, NotFound } from "../core/errors.ts";
import { isDiskFull } from "../db/disk-full.ts";
import { UserError } from "../user-error.ts";

const logger = getLogger(["hearth", "http"]);

const DISK_FULL_SENTENCE = "The disk is full: nothing of this request was saved; free some space on the computer Hearth runs on, then send it again.";

/**
 * The one place where a refusal becomes an HTTP answer, in Mastodon's error body (`{ "error": sentence }`):
 * core's kinds (core/errors.ts) and the api's input checks throw, this answers. A NotFound is always Mastodon's
 * "Record not found", whatever its sentence says: a client must not learn whether a hidden thing exists. Any
 * other UserError (Invalid, and those of media/ and tunnel/) is input the client has to change: 422. A full disk
 * is the server's to fix, and reads keep working meanwhile: 507.
 */
export function answerError(error: unknown, c: Context): Response {
  if (error instanceof NotFound) return mastodonError(c, 404, "Record not found");
  if (error instanceof Forbidden) return mastodonError(c, 403, error.message);
  if (error instanceof Conflict) return mastodonError(c, 409, error.message);
  if (error instanceof UserError) return mastodonError(c, 422, error.message);
  // Hono's own refusals (a body over its limit, for one) carry their status.
  if (error instanceof HTTPException) return mastodonError(c, error.status, error.message || "Request failed");
  if (isDiskFull(error)) {
    // 507 Insufficient Storage (RFC 4918): the request was fine and may be sent again once there is space.
    logger.error("The disk is full; {method} {path} saved nothing: {error}", { method: c.req.method, path: c.req.path, error });
    return mastodonError(c, 507, DISK_FULL_SENTENCE);
  }
  logger.error("Unhandled error on {method} {path}: {error}", { method: c.req.method, path: c.req.path, error });
  return mastodonError(c, 500, "Something went wrong on this server; the details are in its log.");
}
