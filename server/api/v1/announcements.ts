import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { mastodonError } from "../mastodon-error.ts";

/** Instance announcements: Hearth makes none, so the list is empty and no announcement can be found. */
export function announcementRoutes(): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read"), (c) => c.json([]));
  routes.post("/:id/dismiss", requireUser("write:accounts"), (c) => mastodonError(c, 404, "Record not found"));
  routes.put("/:id/reactions/:name", requireUser("write:favourites"), (c) => mastodonError(c, 404, "Record not found"));
  routes.delete("/:id/reactions/:name", requireUser("write:favourites"), (c) => mastodonError(c, 404, "Record not found"));
  return routes;
}
