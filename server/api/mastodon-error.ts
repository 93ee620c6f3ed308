import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Mastodon's error body: `{ "error": "sentence" }`, which every client shows to its user. */
export function mastodonError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ error: message }, status);
}
