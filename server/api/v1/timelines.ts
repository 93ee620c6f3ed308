import { type Context, Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { NotFound } from "../../core/errors.ts";
import { homeTimeline, listTimeline, publicTimeline, tagTimeline, type TimelinePage } from "../../core/timelines/timelines.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toStatuses } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { nestedTextList, readNestedParams } from "../nested-params.ts";
import { readPageRequest, setLinkHeader } from "../pagination.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";
import { flagParam, scopeIfToken } from "../status-requests.ts";

export interface TimelineRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** /api/v1/timelines: home, public (local or remote, media only), hashtag and list, each with Link-header paging. */
export function timelineRoutes({ core, origin }: TimelineRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  async function answer(c: Context<HonoApiEnv>, page: TimelinePage, limit: number, viewerId: string | null, filterContext: string) {
    setLinkHeader(c, page.pageIds, clientUrl(c, origin()), limit);
    return c.json(await toStatuses(core, page.statuses, viewerId, origin(), { filterContext }));
  }

  routes.get("/home", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const page = readPageRequest(await readNestedParams(c));
    return answer(c, await homeTimeline(core, viewer.id, page), page.limit, viewer.id, "home");
  });

  routes.get("/public", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const params = await readNestedParams(c);
    const options = { local: flagParam(params, "local"), remote: flagParam(params, "remote"), onlyMedia: flagParam(params, "only_media") };
    const page = readPageRequest(params);
    return answer(c, await publicTimeline(core, viewerId, options, page), page.limit, viewerId, "public");
  });

  routes.get("/tag/:hashtag", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const params = await readNestedParams(c);
    const options = {
      local: flagParam(params, "local"),
      remote: flagParam(params, "remote"),
      onlyMedia: flagParam(params, "only_media"),
      any: nestedTextList(params, "any"),
      all: nestedTextList(params, "all"),
      none: nestedTextList(params, "none"),
    };
    const request = readPageRequest(params);
    return answer(c, await tagTimeline(core, viewerId, c.req.param("hashtag"), options, request), request.limit, viewerId, "public");
  });

  routes.get("/list/:id", requireUser("read:lists"), async (c) => {
    const viewer = viewerOf(c);
    const id = c.req.param("id");
    const request = readPageRequest(await readNestedParams(c));
    const page = /^\d{1,19}$/.test(id) ? await listTimeline(core, viewer.id, id.padStart(18, "0"), request) : undefined;
    if (!page) throw new NotFound(`There is no list ${id} of yours.`);
    return answer(c, page, request.limit, viewer.id, "home");
  });

  return routes;
}
