import { Hono } from "hono";
import type { HonoApiEnv } from "../hono-env.ts";

/**
 * Trends (public). Trending needs many people's activity and moderation of what trends; a home server
 * has neither, so every list is empty, as Mastodon answers with trends turned off.
 */
export function trendRoutes(): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  for (const path of ["/", "/tags", "/statuses", "/links"]) routes.get(path, (c) => c.json([]));
  return routes;
}
