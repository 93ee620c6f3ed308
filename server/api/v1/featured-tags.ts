import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { mastodonError } from "../mastodon-error.ts";

/** Featured hashtags on a profile: Hearth has none, so the lists are empty and adding one is refused. */
export function featuredTagRoutes(): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:accounts"), (c) => c.json([]));
  routes.get("/suggestions", requireUser("read:accounts"), (c) => c.json([]));
  routes.post("/", requireUser("write:accounts"), (c) => mastodonError(c, 422, "This server does not feature hashtags on profiles."));
  routes.delete("/:id", requireUser("write:accounts"), (c) => mastodonError(c, 404, "Record not found"));
  return routes;
}
