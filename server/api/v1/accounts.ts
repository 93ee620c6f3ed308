import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts.ts";
import { getAccountStats } from "../../core/account-stats.ts";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import type { ApiEnv } from "../env.ts";
import { mastodonError } from "../mastodon-error.ts";
import { toCredentialAccount } from "../entities/account.ts";

export interface AccountRoutesDependencies {
  core: CoreContext;
  /** The origin entity URLs are built on: the canonical one once the instance is published. */
  origin(): string;
}

export function accountRoutes({ core, origin }: AccountRoutesDependencies): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  // "profile" is Mastodon's narrow scope that allows this endpoint alone.
  routes.get("/verify_credentials", requireUser("read:accounts", "profile"), async (c) => {
    const account = c.get("auth")?.account;
    const user = account ? await getLocalUser(core, account.id) : undefined;
    if (!account || !user) return mastodonError(c, 403, "This method requires a local account");
    const stats = await getAccountStats(core, account.id);
    return c.json(toCredentialAccount(account, user, stats, origin()));
  });

  return routes;
}
