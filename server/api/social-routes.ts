import { Hono } from "hono";
import type { CoreContext } from "../core/context.ts";
import type { MediaStorage } from "../media/storage.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import { profileRoutes } from "./v1/accounts-credentials.ts";
import { announcementRoutes } from "./v1/announcements.ts";
import { blockRoutes } from "./v1/blocks.ts";
import { customEmojiRoutes } from "./v1/custom-emojis.ts";
import { directoryRoutes } from "./v1/directory.ts";
import { domainBlockRoutes } from "./v1/domain-blocks.ts";
import { endorsementRoutes } from "./v1/endorsements.ts";
import { featuredTagRoutes } from "./v1/featured-tags.ts";
import { filterV1Routes } from "./v1/filters.ts";
import { followRequestRoutes } from "./v1/follow-requests.ts";
import { followedTagRoutes } from "./v1/followed-tags.ts";
import { listRoutes } from "./v1/lists.ts";
import { muteRoutes } from "./v1/mutes.ts";
import { preferenceRoutes } from "./v1/preferences.ts";
import { reportRoutes } from "./v1/reports.ts";
import { suggestionRoutes } from "./v1/suggestions.ts";
import { tagRoutes } from "./v1/tags.ts";
import { trendRoutes } from "./v1/trends.ts";
import { filterV2Routes } from "./v2/filters.ts";
import { searchV2Routes } from "./v2/search.ts";

export interface SocialRoutesDependencies {
  core: CoreContext;
  origin(): string;
  media: MediaStorage;
}

/**
 * The client API around accounts and what people keep about each other: follow requests, blocks, mutes,
 * domain blocks, lists, filters, reports, tags, search, preferences, and the endpoints of features a home
 * server does without (trends, suggestions, announcements, featured tags), which answer empty lists.
 * Mounted at /api.
 */
export function socialRoutes(deps: SocialRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const suggestions = suggestionRoutes();
  routes.route("/v1/profile", profileRoutes(deps));
  routes.route("/v1/follow_requests", followRequestRoutes(deps));
  routes.route("/v1/blocks", blockRoutes(deps));
  routes.route("/v1/mutes", muteRoutes(deps));
  routes.route("/v1/domain_blocks", domainBlockRoutes(deps));
  routes.route("/v1/lists", listRoutes(deps));
  routes.route("/v1/filters", filterV1Routes(deps));
  routes.route("/v2/filters", filterV2Routes(deps));
  routes.route("/v1/preferences", preferenceRoutes(deps));
  routes.route("/v1/suggestions", suggestions.v1);
  routes.route("/v2/suggestions", suggestions.v2);
  routes.route("/v1/trends", trendRoutes());
  routes.route("/v1/featured_tags", featuredTagRoutes());
  routes.route("/v1/followed_tags", followedTagRoutes(deps));
  routes.route("/v1/tags", tagRoutes(deps));
  routes.route("/v1/custom_emojis", customEmojiRoutes(deps));
  routes.route("/v1/endorsements", endorsementRoutes(deps));
  routes.route("/v1/reports", reportRoutes(deps));
  routes.route("/v1/announcements", announcementRoutes());
  routes.route("/v1/directory", directoryRoutes(deps));
  routes.route("/v2/search", searchV2Routes(deps));
  return routes;
}
