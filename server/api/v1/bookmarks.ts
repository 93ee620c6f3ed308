import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { markedStatuses } from "../../core/timelines/timelines.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toStatuses } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging() };

export interface MarkedStatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** GET /api/v1/bookmarks. */
export function bookmarkRoutes(deps: MarkedStatusRoutesDependencies): Hono<HonoApiEnv> {
  return markedStatusRoutes("bookmarks", deps);
}

/**
 * GET /api/v1/bookmarks and /api/v1/favourites: the viewer's marked statuses, newest mark first; the Link
 * header pages by the bookmark's or favourite's id, as Mastodon's does.
 */
export function markedStatusRoutes(kind: "bookmarks" | "favourites", { core, origin }: MarkedStatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser(kind === "bookmarks" ? "read:bookmarks" : "read:favourites"), async (c) => {
    const viewer = viewerOf(c);
    const { page: request } = await readInput(c, Page);
    const page = await markedStatuses(core, viewer.id, kind, request);
    setLinkHeader(c, page.pageIds, clientUrl(c, origin()), request.limit);
    return c.json(await toStatuses(core, page.statuses, viewer.id, origin()));
  });
  return routes;
}
