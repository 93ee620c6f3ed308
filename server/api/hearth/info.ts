import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { HEARTH_VERSION } from "../../version.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";

export interface InfoRoutesDependencies {
  core: CoreContext;
  /** The data directory this instance runs on: what the owner backs up. */
  dataDir: string;
}

/**
 * Facts about this installation for the owner's settings screen; a path on the owner's disk is nobody else's
 * business (routes.ts guards it with viewDataDirectory).
 */
export function infoRoutes({ dataDir }: InfoRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ data_directory: dataDir, version: HEARTH_VERSION });
  });

  return routes;
}
