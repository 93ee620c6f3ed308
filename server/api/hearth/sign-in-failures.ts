import { Hono } from "hono";
import { listSignInFailures } from "../../core/auth/sign-in-failures.ts";
import type { CoreContext } from "../../core/context.ts";
import type { SignInFailureRow } from "../../core/rows.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";

export interface SignInFailureRoutesDependencies {
  core: CoreContext;
}

function signInFailureEntity(row: SignInFailureRow) {
  return { id: String(row.id), created_at: row.created_at, username: row.username, address: row.address, user_agent: row.user_agent };
}

/**
 * GET /api/hearth/sign_in_failures: the recent wrong passwords, newest first, for the owner's settings. Who is
 * guessing at which account is the owner's business alone: routes.ts guards it with viewSignInFailures.
 */
export function signInFailureRoutes({ core }: SignInFailureRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json((await listSignInFailures(core)).map(signInFailureEntity));
  });

  return routes;
}
