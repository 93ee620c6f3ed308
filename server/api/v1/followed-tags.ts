import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { listFollowedTags } from "../../core/timelines/tag-follows.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderTags } from "../entities/tag-list.ts";
import { readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging({ default: 100, max: 200 }) };

/** GET /api/v1/followed_tags: the hashtags the signed-in account follows, paged by when it followed them. */
export function followedTagRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:follows"), async (c) => {
    const viewer = viewerOf(c);
    const { page } = await readInput(c, Page);
    const followed = await listFollowedTags(core, viewer.id, page);
    setLinkHeader(
      c,
      followed.map((item) => item.followId),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(await renderTags(core, followed.map((item) => item.tag), origin(), viewer.id));
  });
  return routes;
}
