import { Hono } from "hono";
import { getAccount } from "../../core/accounts/accounts.ts";
import { changeRole, listLocalUsers } from "../../core/accounts/roles.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import type { LocalUserRole } from "../../db/schema.ts";
import { requireUser } from "../auth.ts";
import { renderAccount, renderAccounts } from "../entities/account-list.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { oneOf, pathId, readInput } from "../input.ts";

export interface MemberRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

// The owner's role is not given here: there is one owner.
const GIVEN_ROLES = ["moderator", "member"] as const;
const RoleChange = { role: oneOf(GIVEN_ROLES, (value) => `role must be moderator or member, not "${value}".`) };

/**
 * The household as the owner manages it: every local account with its role, and the role changes.
 * Mastodon changes roles only in its admin web pages (no API), so Hearth says it in its own words:
 * GET /api/hearth/members and PUT /api/hearth/members/:id/role {role}. routes.ts guards them with manageRoles.
 */
export function memberRoutes({ core, origin }: MemberRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    const users = await listLocalUsers(core);
    const accounts = await renderAccounts(core, users.map((user) => user.account), origin());
    c.header("Cache-Control", "no-store");
    return c.json(accounts.map((account, index) => ({ account, role: users[index]?.role })));
  });

  routes.put("/:id/role", requireUser("write"), async (c) => {
    const { role } = await readInput(c, RoleChange);
    if (role === undefined) throw new Invalid("Say which role: moderator or member.");
    const actorId = c.get("auth")?.account?.id ?? "";
    const user = await changeRole(core, actorId, pathId(c), role satisfies LocalUserRole);
    const account = await getAccount(core, user.account_id);
    c.header("Cache-Control", "no-store");
    return c.json({ account: account ? await renderAccount(core, account, origin()) : null, role: user.role });
  });

  return routes;
}
