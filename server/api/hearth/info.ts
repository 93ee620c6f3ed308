import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden } from "../../core/errors.ts";
import { HEARTH_VERSION } from "../../version.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";

export interface InfoRoutesDependencies {
  core: CoreContext;
  /** The data directory this instance runs on: what the owner backs up. */
  dataDir: string;
}

/** Facts about this installation for the owner's settings screen; a path on the owner's disk is nobody else's business. */
export function infoRoutes({ core, dataDir }: InfoRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    const account = c.get("auth")?.account;
    const user = account ? await getLocalUser(core, account.id) : undefined;
    if (user?.role !== "owner") throw new Forbidden("Only the owner of this instance can see where it keeps its data.");
    c.header("Cache-Control", "no-store");
    return c.json({ data_directory: dataDir, version: HEARTH_VERSION });
  });

  return routes;
}
