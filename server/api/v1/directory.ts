import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { listDirectory } from "../../core/accounts/directory.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { nestedBoolean, nestedText, readNestedParams } from "../nested-params.ts";
import { optionalViewerOf } from "../request-accounts.ts";
import { readLimit, readOffset } from "../offset-paging.ts";

/** GET /api/v1/directory: discoverable profiles (public), paged by offset as on Mastodon. */
export function directoryRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", async (c) => {
    const params = await readNestedParams(c);
    const order = nestedText(params, "order") ?? "active";
    if (order !== "active" && order !== "new") throw new Invalid(`order must be "active" or "new", not "${order}".`);
    const accounts = await listDirectory(core, {
      order,
      localOnly: nestedBoolean(params, "local") ?? false,
      limit: readLimit(nestedText(params, "limit"), { default: 40, max: 80 }),
      offset: readOffset(nestedText(params, "offset")),
      viewerId: optionalViewerOf(c)?.id ?? null,
    });
    return c.json(await renderAccounts(core, accounts, origin()));
  });
  return routes;
}
