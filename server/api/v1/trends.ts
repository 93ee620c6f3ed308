import { Hono } from "hono";
import type { ApiEnv } from "../env.ts";

/**
 * Trends (public). Trending needs many people's activity and moderation of what trends; a home server
 * has neither, so every list is empty, as Mastodon answers with trends turned off.
 */
export function trendRoutes(): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  for (const path of ["/", "/tags", "/statuses", "/links"]) routes.get(path, (c) => c.json([]));
  return routes;
}
