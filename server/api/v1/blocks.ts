import { Hono } from "hono";
import { listBlocks } from "../../core/relationships/blocks.ts";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging({ default: 40, max: 80 }) };

/** GET /api/v1/blocks: the accounts the signed-in account blocks, paged by block. */
export function blockRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:blocks"), async (c) => {
    const { page } = await readInput(c, Page);
    const { items } = await listBlocks(core, viewerOf(c).id, page);
    setLinkHeader(
      c,
      items.map((item) => item.block.id),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(await renderAccounts(core, items.map((item) => item.account), origin()));
  });
  return routes;
}
