import { Hono } from "hono";
import { getAccount } from "../../core/accounts/accounts.ts";
import { changeRole, listLocalUsers } from "../../core/accounts/roles.ts";
import { resetPassword } from "../../core/auth/password-reset.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import type { LocalUserRole } from "../../db/schema.ts";
import { storageUsedByAccounts } from "../../media/account-storage.ts";
import type { MediaStorage } from "../../media/storage.ts";
import { requireUser } from "../auth.ts";
import { renderAccount, renderAccounts } from "../entities/account-list.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { oneOf, pathId, readInput, text } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

export interface MemberRoutesDependencies {
  core: CoreContext;
  origin(): string;
  media: { storage: MediaStorage };
}

// The owner's role is not given here: there is one owner.
const GIVEN_ROLES = ["moderator", "member"] as const;
const RoleChange = { role: oneOf(GIVEN_ROLES, (value) => `role must be moderator or member, not "${value}".`) };
const PasswordReset = { password: text() };

/**
 * The household as the owner manages it: every local account with its role and the bytes its files take
 * (storage_bytes), the role changes, and a member's password reset. Mastodon does these only in its admin web
 * pages (no API), so Hearth says it in its own words: GET /api/hearth/members, PUT /api/hearth/members/:id/role
 * {role} and POST /api/hearth/members/:id/password {password?}. routes.ts guards them with manageRoles.
 */
export function memberRoutes({ core, origin, media }: MemberRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    const users = await listLocalUsers(core);
    const accounts = await renderAccounts(core, users.map((user) => user.account), origin());
    const storage = await storageUsedByAccounts(core, media.storage, users.map((user) => user.account.id));
    c.header("Cache-Control", "no-store");
    return c.json(accounts.map((account, index) => ({ account, role: users[index]?.role, storage_bytes: storage.get(account.id) ?? 0 })));
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

  // Without a password in the body, one is made and answered once, for the owner to pass on.
  routes.post("/:id/password", requireUser("write"), async (c) => {
    const input = await readInput(c, PasswordReset);
    const reset = await resetPassword(core, viewerOf(c).id, pathId(c), input.password === "" ? undefined : input.password);
    c.header("Cache-Control", "no-store");
    return c.json({ signed_out_sessions: reset.revokedTokens, ...(reset.isGenerated ? { password: reset.password } : {}) });
  });

  return routes;
}
