import { Hono } from "hono";
import { isBlockedEitherWay } from "../../core/relationships/account-barriers.ts";
import type { CoreContext } from "../../core/context.ts";
import { listEndorsements } from "../../core/accounts/endorsements.ts";
import { listFollows } from "../../core/relationships/follows.ts";
import { listsContaining } from "../../core/timelines/lists.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toList } from "../entities/list.ts";
import { readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { accountParam, optionalViewerOf, viewerOf } from "../request-accounts.ts";

export interface CollectionRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

// Mastodon's limits for follower and following pages.
const FOLLOW_PAGE_LIMITS = { default: 40, max: 80 };
const Page = { page: paging(FOLLOW_PAGE_LIMITS) };

/** What hangs off an account: its followers and following, featured tags, endorsements, and the viewer's lists it is in. */
export function accountCollectionRoutes({ core, origin }: CollectionRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  for (const side of ["followers", "following"] as const) {
    // Public, paged by follow id with Link headers, as on Mastodon.
    routes.get(`/:id/${side}`, async (c) => {
      const account = await accountParam(core, c.req.param("id"));
      const viewer = optionalViewerOf(c);
      // Someone an account blocks (or who blocks it) is not shown its connections.
      if (viewer && viewer.id !== account.id && (await isBlockedEitherWay(core.db, viewer.id, account.id))) return c.json([]);
      const { page } = await readInput(c, Page);
      const { items } = await listFollows(core, account.id, side, page);
      setLinkHeader(
        c,
        items.map((item) => item.follow.id),
        clientUrl(c, origin()),
        page.limit,
      );
      return c.json(await renderAccounts(core, items.map((item) => item.account), origin()));
    });
  }

  // Hearth has no featured hashtags yet: every account features none.
  routes.get("/:id/featured_tags", async (c) => {
    await accountParam(core, c.req.param("id"));
    return c.json([]);
  });

  routes.get("/:id/endorsements", async (c) => {
    const account = await accountParam(core, c.req.param("id"));
    const { page } = await readInput(c, Page);
    const items = await listEndorsements(core, account.id, page);
    setLinkHeader(
      c,
      items.map((item) => item.endorsement.id),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(await renderAccounts(core, items.map((item) => item.account), origin()));
  });

  routes.get("/:id/lists", requireUser("read:lists"), async (c) => {
    const account = await accountParam(core, c.req.param("id"));
    const lists = await listsContaining(core, viewerOf(c).id, account.id);
    return c.json(lists.map(toList));
  });

  return routes;
}
