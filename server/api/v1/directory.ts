import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { listDirectory } from "../../core/accounts/directory.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { flag, oneOf, readInput } from "../input.ts";
import { optionalViewerOf } from "../request-accounts.ts";
import { offset, offsetLimit } from "../offset-paging.ts";

const Directory = {
  order: oneOf(["active", "new"], (order) => `order must be "active" or "new", not "${order}".`),
  local: flag(false),
  limit: offsetLimit({ default: 40, max: 80 }),
  offset: offset(),
};

/** GET /api/v1/directory: discoverable profiles (public), paged by offset as on Mastodon. */
export function directoryRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", async (c) => {
    const input = await readInput(c, Directory);
    const accounts = await listDirectory(core, {
      order: input.order ?? "active",
      localOnly: input.local,
      limit: input.limit,
      offset: input.offset,
      viewerId: optionalViewerOf(c)?.id ?? null,
    });
    return c.json(await renderAccounts(core, accounts, origin()));
  });
  return routes;
}
