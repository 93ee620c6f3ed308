import type { Account, Status } from "./entities.ts";
import type { ApiClient } from "./http.ts";

/**
 * The owner's and moderators' Admin: Mastodon's admin API for accounts and reports, which Hearth serves to the
 * web client's read/write token under /api/hearth/admin (the server's role guard is what keeps members out), and
 * the household as the owner manages it (/api/hearth/members: roles, storage, password resets).
 */

/** Mastodon's Admin::Account, the fields this client reads. */
export interface AdminAccount {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  role: { name: string } | null;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  account: Account;
}

/** Mastodon's Admin::Report, the fields this client reads. */
export interface AdminReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: string;
  comment: string;
  forwarded: boolean;
  created_at: string;
  account: AdminAccount;
  target_account: AdminAccount;
  assigned_account: AdminAccount | null;
  action_taken_by_account: AdminAccount | null;
  statuses: Status[];
}

export type AccountOrigin = "local" | "remote";
export type AccountState = "active" | "suspended" | "silenced" | "disabled";

export interface AccountSearch {
  /** Matched against username and display name alike. */
  text: string;
  origin?: AccountOrigin;
  state?: AccountState;
}

/** Mastodon's v1 admin filters are flags: one for the origin, one for the state. */
function searchQuery(search: AccountSearch, field: "username" | "display_name") {
  return {
    limit: "200",
    ...(search.text.trim() ? { [field]: search.text.trim() } : {}),
    ...(search.origin ? { [search.origin]: "true" } : {}),
    ...(search.state ? { [search.state]: "true" } : {}),
  };
}

/** Accounts whose username or display name holds the text (Mastodon filters one field at a time: both are asked). */
export async function searchAdminAccounts(api: ApiClient, search: AccountSearch): Promise<AdminAccount[]> {
  const byUsername = await api.request<AdminAccount[]>("GET", "/api/hearth/admin/accounts", { query: searchQuery(search, "username") });
  if (!search.text.trim()) return byUsername;
  const byName = await api.request<AdminAccount[]>("GET", "/api/hearth/admin/accounts", { query: searchQuery(search, "display_name") });
  const seen = new Set(byUsername.map((account) => account.id));
  return [...byUsername, ...byName.filter((account) => !seen.has(account.id))].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export type AccountAction = "suspend" | "silence" | "disable";
export type AccountUndo = "unsuspend" | "unsilence" | "enable";

const path = (id: string) => `/api/hearth/admin/accounts/${encodeURIComponent(id)}`;

export const actOnAccount = (api: ApiClient, id: string, type: AccountAction, reportId?: string) =>
  api.request<object>("POST", `${path(id)}/action`, { json: { type, ...(reportId ? { report_id: reportId } : {}) } });
export const undoOnAccount = (api: ApiClient, id: string, undo: AccountUndo) => api.request<AdminAccount>("POST", `${path(id)}/${undo}`);
export const deleteAdminAccount = (api: ApiClient, id: string) => api.request<AdminAccount>("DELETE", path(id));

export type MemberRole = "owner" | "moderator" | "member";

/** A local account as the owner's list has it. */
export interface Member {
  account: Account;
  role: MemberRole;
  /** The bytes its uploads, avatar and header take on disk. */
  storage_bytes: number;
}

export const getMembers = (api: ApiClient) => api.request<Member[]>("GET", "/api/hearth/members");
export const changeMemberRole = (api: ApiClient, id: string, role: Exclude<MemberRole, "owner">) =>
  api.request<{ role: MemberRole }>("PUT", `/api/hearth/members/${encodeURIComponent(id)}/role`, { json: { role } });
/** Without a password, the server makes one and answers it. */
export const resetMemberPassword = (api: ApiClient, id: string, password?: string) =>
  api.request<{ signed_out_sessions: number; password?: string }>("POST", `/api/hearth/members/${encodeURIComponent(id)}/password`, {
    json: password ? { password } : {},
  });

const reportPath = (id: string) => `/api/hearth/admin/reports/${encodeURIComponent(id)}`;

/** The queue: unresolved first, then the resolved ones, newest first in each. */
export async function getReportQueue(api: ApiClient): Promise<AdminReport[]> {
  const [open, resolved] = await Promise.all([
    api.request<AdminReport[]>("GET", "/api/hearth/admin/reports", { query: { limit: "200" } }),
    api.request<AdminReport[]>("GET", "/api/hearth/admin/reports", { query: { limit: "200", resolved: "true" } }),
  ]);
  return [...open, ...resolved];
}

export type ReportChange = "resolve" | "reopen" | "assign_to_self" | "unassign";
export const changeReport = (api: ApiClient, id: string, change: ReportChange) => api.request<AdminReport>("POST", `${reportPath(id)}/${change}`);
