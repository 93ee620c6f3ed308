import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { acceptFollowRequest, listFollows, rejectFollowRequest } from "../../core/relationships/follows.ts";
import { getRelationship } from "../../core/relationships/relationships.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toRelationship } from "../entities/relationship.ts";
import { pathId, readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging({ default: 40, max: 80 }) };

/** /api/v1/follow_requests: who asks to follow a locked account, and its answers. */
export function followRequestRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:follows"), async (c) => {
    const { page } = await readInput(c, Page);
    const { items } = await listFollows(core, viewerOf(c).id, "followers", page, "pending");
    setLinkHeader(
      c,
      items.map((item) => item.follow.id),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(await renderAccounts(core, items.map((item) => item.account), origin()));
  });

  for (const answer of ["authorize", "reject"] as const) {
    routes.post(`/:account_id/${answer}`, requireUser("write:follows"), async (c) => {
      const viewer = viewerOf(c);
      // An unknown account, or one with no request waiting, is not found: the core function says so.
      const requesterId = pathId(c, "account_id");
      if (answer === "authorize") await acceptFollowRequest(core, viewer.id, requesterId);
      else await rejectFollowRequest(core, viewer.id, requesterId);
      return c.json(toRelationship(await getRelationship(core, viewer.id, requesterId)));
    });
  }

  return routes;
}
