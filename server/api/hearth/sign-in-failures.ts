import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import { listSignInFailures } from "../../core/auth/sign-in-failures.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden } from "../../core/errors.ts";
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
 * guessing at which account is the owner's business alone: a member's token gets 403.
 */
export function signInFailureRoutes({ core }: SignInFailureRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    const account = c.get("auth")?.account;
    const user = account ? await getLocalUser(core, account.id) : undefined;
    if (user?.role !== "owner") throw new Forbidden("Only the owner of this instance can see its failed sign-ins.");
    c.header("Cache-Control", "no-store");
    return c.json((await listSignInFailures(core)).map(signInFailureEntity));
  });

  return routes;
}
