import type { Hono } from "hono";
import type { HonoApiEnv } from "../hono-env.ts";
import { markedStatusRoutes, type MarkedStatusRoutesDependencies } from "./bookmarks.ts";

/** GET /api/v1/favourites: the same list as bookmarks, of favourites. */
export function favouriteRoutes(deps: MarkedStatusRoutesDependencies): Hono<HonoApiEnv> {
  return markedStatusRoutes("favourites", deps);
}
