import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { accountStatuses } from "../../core/timelines/timelines.ts";
import { clientUrl } from "../client-url.ts";
import { toStatuses } from "../entities/status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { nestedText, readNestedParams } from "../nested-params.ts";
import { readPageRequest, setLinkHeader } from "../pagination.ts";
import { accountParam, optionalViewerOf } from "../request-accounts.ts";
import { flagParam, scopeIfToken } from "../status-requests.ts";

export interface AccountStatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** GET /api/v1/accounts/:id/statuses: an account's statuses as the viewer may see them (mounted before accountRoutes). */
export function accountStatusRoutes({ core, origin }: AccountStatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/:id/statuses", scopeIfToken("read:statuses"), async (c) => {
    const account = await accountParam(core, c.req.param("id"));
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const params = await readNestedParams(c);
    const options = {
      pinned: flagParam(params, "pinned"),
      excludeReplies: flagParam(params, "exclude_replies"),
      excludeReblogs: flagParam(params, "exclude_reblogs"),
      onlyMedia: flagParam(params, "only_media"),
      tagged: nestedText(params, "tagged") || undefined,
    };
    const request = readPageRequest(params);
    const page = await accountStatuses(core, viewerId, account.id, options, request);
    setLinkHeader(c, page.pageIds, clientUrl(c, origin()), request.limit);
    return c.json(await toStatuses(core, page.statuses, viewerId, origin(), { filterContext: "account" }));
  });

  return routes;
}
