import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { accountMay, type Permission } from "../core/accounts/roles.ts";
import type { CoreContext } from "../core/context.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import { mastodonError } from "./mastodon-error.ts";

/** What a refused member is told, by permission: one sentence each, naming what is the owner's. */
const REFUSALS: Readonly<Record<Permission, string>> = {
  manageSettings: "Only the owner of this instance can change its settings.",
  manageTunnel: "Only the owner of this instance can see or change its tunnel.",
  manageBackups: "Only the owner of this instance can back it up or restore it.",
  manageInvites: "Only the owner of this instance can invite people.",
  manageRoles: "Only the owner of this instance can change who holds which role.",
  viewDataDirectory: "Only the owner of this instance can see where it keeps its data.",
  viewSignInFailures: "Only the owner of this instance can see its failed sign-ins.",
  manageReports: "Only the owner and moderators of this instance can handle reports.",
  manageBlocks: "Only the owner and moderators of this instance can block for the whole instance.",
  manageSuspensions: "Only the owner and moderators of this instance can suspend accounts.",
};

/**
 * An endpoint for a signed-in local account holding the permission (core/accounts/roles.ts says which roles
 * do): no token is 401, an app token without a user 422 (as requireUser), anyone else 403. Scopes are still
 * each endpoint's own check, after this one.
 */
export function requirePermission(core: CoreContext, permission: Permission) {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    const auth = c.get("auth");
    if (!auth) return mastodonError(c, 401, "The access token is invalid");
    if (!auth.account) return mastodonError(c, 422, "This method requires an authenticated user");
    if (!(await accountMay(core, auth.account.id, permission))) return mastodonError(c, 403, REFUSALS[permission]);
    return next();
  });
}

/** A route builder's routes behind requirePermission, every method and path of them alike. */
export function guarded(core: CoreContext, permission: Permission, routes: Hono<HonoApiEnv>): Hono<HonoApiEnv> {
  const guard = new Hono<HonoApiEnv>();
  guard.use("*", requirePermission(core, permission));
  guard.route("/", routes);
  return guard;
}
