import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { accountStatuses } from "../../core/timelines/timelines.ts";
import { scopeIfToken } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toStatuses } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, presentText, readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { accountParam, optionalViewerOf } from "../request-accounts.ts";

export interface AccountStatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const AccountStatuses = {
  pinned: flag(false),
  exclude_replies: flag(false),
  exclude_reblogs: flag(false),
  only_media: flag(false),
  tagged: presentText(),
  page: paging(),
};

/** GET /api/v1/accounts/:id/statuses: an account's statuses as the viewer may see them (mounted before accountRoutes). */
export function accountStatusRoutes({ core, origin }: AccountStatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/:id/statuses", scopeIfToken("read:statuses"), async (c) => {
    const account = await accountParam(core, c.req.param("id"));
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const input = await readInput(c, AccountStatuses);
    const options = {
      pinned: input.pinned,
      excludeReplies: input.exclude_replies,
      excludeReblogs: input.exclude_reblogs,
      onlyMedia: input.only_media,
      tagged: input.tagged,
    };
    const page = await accountStatuses(core, viewerId, account.id, options, input.page);
    setLinkHeader(c, page.pageIds, clientUrl(c, origin()), input.page.limit);
    return c.json(await toStatuses(core, page.statuses, viewerId, origin(), { filterContext: "account" }));
  });

  return routes;
}
