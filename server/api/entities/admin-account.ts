import type { AdminAccountRow } from "../../core/moderation/admin-accounts.ts";
import { MASTODON_ROLES, type MastodonAccount, type MastodonCredentialAccount } from "./account.ts";

/**
 * Mastodon's Admin::Account entity (REST::Admin::AccountSerializer). Hearth keeps no e-mail addresses and
 * no sign-in addresses, signs up only by invite (never pending approval) and has no e-mail confirmation:
 * a local account is confirmed and approved, a remote one neither.
 */
export interface MastodonAdminAccount {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  email: string | null;
  ip: string | null;
  ips: never[];
  locale: string | null;
  invite_request: string | null;
  role: MastodonCredentialAccount["role"] | null;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  sensitized: boolean;
  account: MastodonAccount;
  invited_by_account_id?: string;
}

export function toAdminAccount(row: AdminAccountRow, account: MastodonAccount): MastodonAdminAccount {
  const isLocal = row.account.domain === null;
  return {
    id: row.account.id,
    username: row.account.username,
    domain: row.account.domain,
    created_at: row.account.created_at,
    email: isLocal ? "" : null,
    ip: null,
    ips: [],
    locale: null,
    invite_request: null,
    role: row.role === null ? null : MASTODON_ROLES[row.role],
    confirmed: isLocal,
    approved: isLocal,
    disabled: row.account.sign_in_disabled_at !== null,
    silenced: row.account.silenced_at !== null,
    suspended: row.account.suspended_at !== null,
    sensitized: row.account.sensitized_at !== null,
    account,
    ...(row.invitedByAccountId === null ? {} : { invited_by_account_id: row.invitedByAccountId }),
  };
}
