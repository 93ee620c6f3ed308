import { Hono } from "hono";
import type { CoreContext } from "../core/context.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import { accountStatusRoutes } from "./v1/account-statuses.ts";
import { markedStatusRoutes } from "./v1/bookmarks.ts";
import { conversationRoutes } from "./v1/conversations.ts";
import { favouriteRoutes } from "./v1/favourites.ts";
import { markerRoutes } from "./v1/markers.ts";
import { notificationRoutes } from "./v1/notifications.ts";
import { pollRoutes } from "./v1/polls.ts";
import { scheduledStatusRoutes } from "./v1/scheduled-statuses.ts";
import { statusRoutes } from "./v1/statuses.ts";
import { timelineRoutes } from "./v1/timelines.ts";
import { groupedNotificationRoutes } from "./v2/notifications.ts";

export interface StatusApiDependencies {
  core: CoreContext;
  origin(): string;
}

/**
 * The client API around statuses: posting and acting on them, timelines, notifications (v1 and grouped v2),
 * polls, bookmarks, favourites, conversations, markers, scheduled statuses and an account's statuses.
 * Mounted at /api, before the accounts routes (it answers /v1/accounts/:id/statuses).
 */
export function statusApiRoutes(deps: StatusApiDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.route("/v1/accounts", accountStatusRoutes(deps));
  routes.route("/v1/statuses", statusRoutes(deps));
  routes.route("/v1/timelines", timelineRoutes(deps));
  routes.route("/v1/notifications", notificationRoutes(deps));
  routes.route("/v2/notifications", groupedNotificationRoutes(deps));
  routes.route("/v1/polls", pollRoutes(deps));
  routes.route("/v1/bookmarks", markedStatusRoutes("bookmarks", deps));
  routes.route("/v1/favourites", favouriteRoutes(deps));
  routes.route("/v1/conversations", conversationRoutes(deps));
  routes.route("/v1/markers", markerRoutes(deps));
  routes.route("/v1/scheduled_statuses", scheduledStatusRoutes(deps));
  return routes;
}
