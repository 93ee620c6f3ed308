import { Hono } from "hono";
import type { Context } from "hono";
import { deleteAccountAsOwner } from "../../core/accounts/local-account-deletion.ts";
import { removeFiles } from "../../media/attachment-files.ts";
import type { MediaStorage } from "../../media/storage.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import { ACCOUNT_ACTIONS, performAccountAction, undoAccountAction, type AccountUndo } from "../../core/moderation/account-actions.ts";
import { getAdminAccount, listAdminAccounts, type AdminAccountFilter } from "../../core/moderation/admin-accounts.ts";
import type { LocalUserRole } from "../../db/schema.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { MASTODON_ROLES } from "../entities/account.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, id, oneOf, pathId, presentText, readInput, textList } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";
import { renderAdminAccounts } from "./admin-entities.ts";

export interface AdminAccountRoutesDependencies {
  core: CoreContext;
  origin(): string;
  /** Where a deleted account's uploads, avatar and header are removed from. */
  media: { storage: MediaStorage };
}

/** Which scopes the routes ask: Mastodon's admin ones for /api/v1/admin, plain read/write for the web client's /api/hearth/admin. */
export interface AdminRouteScopes {
  read: [string, ...string[]];
  write: [string, ...string[]];
}

const ACCOUNT_SCOPES: AdminRouteScopes = { read: ["admin:read:accounts"], write: ["admin:write:accounts"] };

/** The web client's token has read and write, not the admin scopes: the route table's role guard is what keeps members out. */
export const WEB_CLIENT_SCOPES: AdminRouteScopes = { read: ["read"], write: ["write"] };

const Page = paging({ default: 100, max: 200 });

/** v1's filters: flags, as Mastodon's Api::V1::Admin::AccountsController::FILTER_PARAMS. */
const V1Filter = {
  page: Page,
  local: flag(),
  remote: flag(),
  by_domain: presentText(),
  active: flag(),
  pending: flag(),
  disabled: flag(),
  silenced: flag(),
  suspended: flag(),
  sensitized: flag(),
  username: presentText(),
  display_name: presentText(),
  email: presentText(),
  ip: presentText(),
  staff: flag(),
};

const STATUSES = ["active", "pending", "disabled", "silenced", "suspended", "sensitized"] as const;

const V2Filter = {
  page: Page,
  origin: oneOf(["local", "remote"], (value) => `origin must be local or remote, not "${value}".`),
  status: oneOf(STATUSES, (value) => `status must be one of ${STATUSES.join(", ")}, not "${value}".`),
  permissions: oneOf(["staff"], (value) => `permissions must be staff, not "${value}".`),
  role_ids: textList(),
  invited_by: id(),
  username: presentText(),
  display_name: presentText(),
  by_domain: presentText(),
  email: presentText(),
  ip: presentText(),
};

const Action = {
  type: oneOf(ACCOUNT_ACTIONS, (value) => `type must be one of ${ACCOUNT_ACTIONS.join(", ")}, not "${value}".`),
  report_id: id(),
  // Hearth sends no e-mail and keeps no warnings: text, warning_preset_id and send_email_notification are taken and let be.
  text: presentText(),
};

/** Mastodon's role ids (entities/account.ts) back to Hearth's roles. */
function rolesOf(roleIds: readonly string[]): LocalUserRole[] {
  return (Object.entries(MASTODON_ROLES) as Array<[LocalUserRole, { id: string }]>).filter(([, role]) => roleIds.includes(role.id)).map(([name]) => name);
}

async function answerAccounts(c: Context<HonoApiEnv>, deps: AdminAccountRoutesDependencies, filter: AdminAccountFilter, page: ReturnType<typeof Page>) {
  const rows = await listAdminAccounts(deps.core, filter, page);
  setLinkHeader(c, rows.map((row) => row.account.id), clientUrl(c, deps.origin()), page.limit);
  c.header("Cache-Control", "no-store");
  return c.json(await renderAdminAccounts(deps.core, rows, deps.origin()));
}

async function answerAccount(c: Context<HonoApiEnv>, deps: AdminAccountRoutesDependencies, accountId: string) {
  const [entity] = await renderAdminAccounts(deps.core, [await getAdminAccount(deps.core, accountId)], deps.origin());
  c.header("Cache-Control", "no-store");
  return c.json(entity);
}

/**
 * Mastodon's admin API for accounts (GET list and one, action, approve, reject, enable, unsilence,
 * unsuspend, unsensitive, DELETE) under /api/v1/admin/accounts; routes.ts guards it with manageSuspensions.
 */
export function adminAccountRoutes(deps: AdminAccountRoutesDependencies, scopes: AdminRouteScopes = ACCOUNT_SCOPES): Hono<HonoApiEnv> {
  const { core } = deps;
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser(...scopes.read), async (c) => {
    const input = await readInput(c, V1Filter);
    const statuses = STATUSES.filter((status) => input[status] === true);
    const filter: AdminAccountFilter = {
      origin: input.local ? "local" : input.remote ? "remote" : undefined,
      status: statuses[0],
      permissions: input.staff ? "staff" : undefined,
      byDomain: input.by_domain,
      username: input.username,
      displayName: input.display_name,
      email: input.email,
      ip: input.ip,
    };
    return answerAccounts(c, deps, filter, input.page);
  });

  routes.get("/:id", requireUser(...scopes.read), (c) => answerAccount(c, deps, pathId(c)));

  routes.post("/:id/action", requireUser(...scopes.write), async (c) => {
    const input = await readInput(c, Action);
    if (input.type === undefined) throw new Invalid(`Say which action as type: ${ACCOUNT_ACTIONS.join(", ")}.`);
    await performAccountAction(core, viewerOf(c).id, pathId(c), { type: input.type, reportId: input.report_id });
    return c.json({});
  });

  // Hearth signs up only by invite: no account ever waits for approval, and Mastodon refuses approve and
  // reject for one that does not (UserPolicy#approve?, #reject?).
  for (const verb of ["approve", "reject"] as const) {
    routes.post(`/:id/${verb}`, requireUser(...scopes.write), async (c) => {
      await getAdminAccount(core, pathId(c));
      throw new Forbidden("This account is not waiting for approval: Hearth's accounts join by invite.");
    });
  }

  for (const undo of ["enable", "unsilence", "unsuspend", "unsensitive"] as const satisfies readonly AccountUndo[]) {
    routes.post(`/:id/${undo}`, requireUser(...scopes.write), async (c) => {
      const account = await undoAccountAction(core, viewerOf(c).id, pathId(c), undo);
      return answerAccount(c, deps, account.id);
    });
  }

  routes.delete("/:id", requireUser(...scopes.write), async (c) => {
    const { account, files } = await deleteAccountAsOwner(core, viewerOf(c).id, pathId(c));
    await removeFiles(deps.media.storage, files);
    return answerAccount(c, deps, account.id);
  });

  return routes;
}

/** GET /api/v2/admin/accounts: the same accounts by v2's filters. */
export function adminAccountV2Routes(deps: AdminAccountRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("admin:read:accounts"), async (c) => {
    const input = await readInput(c, V2Filter);
    const filter: AdminAccountFilter = {
      origin: input.origin,
      status: input.status,
      permissions: input.permissions,
      roles: input.role_ids ? rolesOf(input.role_ids) : undefined,
      invitedBy: input.invited_by,
      username: input.username,
      displayName: input.display_name,
      byDomain: input.by_domain,
      email: input.email,
      ip: input.ip,
    };
    // Role ids that name no role of ours match no account, rather than every one.
    if (input.role_ids && input.role_ids.length > 0 && filter.roles?.length === 0) return c.json([]);
    return answerAccounts(c, deps, filter, input.page);
  });
  return routes;
}
