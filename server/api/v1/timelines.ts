import { type Context, Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { NotFound } from "../../core/errors.ts";
import { homeTimeline, listTimeline, publicTimeline, tagTimeline, type TimelinePage } from "../../core/timelines/timelines.ts";
import { requireUser, scopeIfToken } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { statusesJsonBytes } from "../entities/page-json.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { jsonBytesAnswer } from "../json-answer.ts";
import { flag, pathId, readInput, textList } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";

export interface TimelineRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const Page = { page: paging() };
const PublicTimeline = { local: flag(false), remote: flag(false), only_media: flag(false), page: paging() };
const TagTimeline = { ...PublicTimeline, any: textList(), all: textList(), none: textList() };

/** /api/v1/timelines: home, public (local or remote, media only), hashtag and list, each with Link-header paging. */
export function timelineRoutes({ core, origin }: TimelineRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  async function answer(c: Context<HonoApiEnv>, page: TimelinePage, limit: number, viewerId: string | null, filterContext: string) {
    setLinkHeader(c, page.pageIds, clientUrl(c, origin()), limit);
    return jsonBytesAnswer(c, await statusesJsonBytes(core, page.statuses, viewerId, origin(), { filterContext }));
  }

  routes.get("/home", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const { page } = await readInput(c, Page);
    return answer(c, await homeTimeline(core, viewer.id, page), page.limit, viewer.id, "home");
  });

  routes.get("/public", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const { local, remote, only_media: onlyMedia, page } = await readInput(c, PublicTimeline);
    return answer(c, await publicTimeline(core, viewerId, { local, remote, onlyMedia }, page), page.limit, viewerId, "public");
  });

  routes.get("/tag/:hashtag", scopeIfToken("read:statuses"), async (c) => {
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const { local, remote, only_media: onlyMedia, any, all, none, page } = await readInput(c, TagTimeline);
    const options = { local, remote, onlyMedia, any, all, none };
    return answer(c, await tagTimeline(core, viewerId, c.req.param("hashtag"), options, page), page.limit, viewerId, "public");
  });

  routes.get("/list/:id", requireUser("read:lists"), async (c) => {
    const viewer = viewerOf(c);
    const { page: request } = await readInput(c, Page);
    const page = await listTimeline(core, viewer.id, pathId(c), request);
    if (!page) throw new NotFound(`There is no list ${c.req.param("id")} of yours.`);
    return answer(c, page, request.limit, viewer.id, "home");
  });

  return routes;
}
