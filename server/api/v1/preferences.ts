import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden } from "../../core/errors.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { viewerOf } from "../request-accounts.ts";

/** GET /api/v1/preferences: the posting defaults set through update_credentials, and Mastodon's reading defaults. */
export function preferenceRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:accounts"), async (c) => {
    const user = await getLocalUser(core, viewerOf(c).id);
    if (!user) throw new Forbidden("This method requires a local account");
    return c.json({
      "posting:default:visibility": user.default_visibility,
      "posting:default:sensitive": user.default_sensitive === 1,
      "posting:default:language": user.default_language,
      "posting:default:quote_policy": "public",
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
      "reading:autoplay:gifs": false,
    });
  });
  return routes;
}
