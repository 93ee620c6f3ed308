import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { listMutes } from "../../core/relationships/mutes.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging({ default: 40, max: 80 }) };

/** GET /api/v1/mutes: the accounts the signed-in account mutes, each with when its mute ends. */
export function muteRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:mutes"), async (c) => {
    const { page } = await readInput(c, Page);
    const { items } = await listMutes(core, viewerOf(c).id, page);
    setLinkHeader(
      c,
      items.map((item) => item.mute.id),
      clientUrl(c, origin()),
      page.limit,
    );
    const accounts = await renderAccounts(core, items.map((item) => item.account), origin());
    // Mastodon adds mute_expires_at to the accounts of this list only.
    return c.json(accounts.map((account, index) => ({ ...account, mute_expires_at: items[index]?.mute.expires_at ?? null })));
  });
  return routes;
}
