import { sql } from "kysely";
import type { LocalUserRole } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { NotFound } from "../errors.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountRow } from "../rows.ts";

/**
 * The accounts moderators look through (Mastodon's Admin::AccountFilter), local and remote, with what the
 * admin entity adds to a profile: the local role and who invited the member.
 */

export interface AdminAccountRow {
  account: AccountRow;
  /** null for a remote account. */
  role: LocalUserRole | null;
  invitedByAccountId: string | null;
}

/** The filters of GET /api/v2/admin/accounts (v1's flags are turned into these by the API). */
export interface AdminAccountFilter {
  origin?: "local" | "remote";
  status?: "active" | "pending" | "disabled" | "silenced" | "suspended" | "sensitized";
  /** "staff": the owner and moderators. */
  permissions?: "staff";
  roles?: readonly LocalUserRole[];
  invitedBy?: string;
  /** Prefix of the username, case-insensitive. */
  username?: string;
  /** Part of the display name. */
  displayName?: string;
  /** Part of the domain. */
  byDomain?: string;
  /** Hearth keeps no e-mail addresses nor sign-in addresses: a filter on either matches no account. */
  email?: string;
  ip?: string;
}

function likePattern(value: string, prefixOnly: boolean): string {
  const escaped = value.replace(/[\\%_]/g, (character) => `\\${character}`);
  return prefixOnly ? `${escaped}%` : `%${escaped}%`;
}

// SQLite's LIKE ignores ASCII case, as Mastodon's ILIKE does; kysely has no word for its ESCAPE clause.
function like(column: "accounts.username" | "accounts.display_name" | "accounts.domain", pattern: string) {
  return sql<boolean>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
}

function adminAccountsQuery(ctx: CoreContext) {
  return ctx.db
    .selectFrom("accounts")
    .leftJoin("local_users", "local_users.account_id", "accounts.id")
    .leftJoin("invites", "invites.id", "local_users.invite_id")
    .selectAll("accounts")
    .select(["local_users.role as local_role", "invites.inviter_account_id as invited_by"]);
}

type AdminAccountsRow = AccountRow & { local_role: LocalUserRole | null; invited_by: string | null };

function toAdminAccountRow({ local_role, invited_by, ...account }: AdminAccountsRow): AdminAccountRow {
  return { account, role: local_role, invitedByAccountId: invited_by };
}

export async function listAdminAccounts(ctx: CoreContext, filter: AdminAccountFilter, page: PageRequest): Promise<AdminAccountRow[]> {
  if (filter.email || filter.ip || filter.status === "pending") return [];
  let query = adminAccountsQuery(ctx);
  if (filter.origin === "local") query = query.where("accounts.domain", "is", null);
  if (filter.origin === "remote") query = query.where("accounts.domain", "is not", null);
  switch (filter.status) {
    case "active":
      query = query.where("accounts.suspended_at", "is", null);
      break;
    case "disabled":
      query = query.where("accounts.sign_in_disabled_at", "is not", null);
      break;
    case "silenced":
      query = query.where("accounts.silenced_at", "is not", null);
      break;
    case "suspended":
      query = query.where("accounts.suspended_at", "is not", null);
      break;
    case "sensitized":
      query = query.where("accounts.sensitized_at", "is not", null);
      break;
    case undefined:
      break;
  }
  if (filter.permissions === "staff") query = query.where("local_users.role", "in", ["owner", "moderator"]);
  if (filter.roles && filter.roles.length > 0) query = query.where("local_users.role", "in", filter.roles);
  if (filter.invitedBy) query = query.where("invites.inviter_account_id", "=", filter.invitedBy);
  if (filter.username) query = query.where(like("accounts.username", likePattern(filter.username, true)));
  if (filter.displayName) query = query.where(like("accounts.display_name", likePattern(filter.displayName, false)));
  if (filter.byDomain) query = query.where(like("accounts.domain", likePattern(filter.byDomain, false)));
  const rows = await pageQuery(query, "accounts.id", page).execute();
  return pageRows(rows, page).map(toAdminAccountRow);
}

export async function getAdminAccount(ctx: CoreContext, accountId: string): Promise<AdminAccountRow> {
  const row = await adminAccountsQuery(ctx).where("accounts.id", "=", accountId).executeTakeFirst();
  if (!row) throw new NotFound("Record not found");
  return toAdminAccountRow(row);
}

/** Several at once, by id (a page of reports names each account a few times). */
export async function getAdminAccounts(ctx: CoreContext, accountIds: readonly string[]): Promise<Map<string, AdminAccountRow>> {
  if (accountIds.length === 0) return new Map();
  const rows = await adminAccountsQuery(ctx).where("accounts.id", "in", [...new Set(accountIds)]).execute();
  return new Map(rows.map((row) => [row.id, toAdminAccountRow(row)]));
}
