import type { Account } from "./entities.ts";
import type { ApiClient } from "./http.ts";

/** Hearth's own small API, for what Mastodon has no word for. */

export interface ServerHealth {
  status: "ok";
  setUp: boolean;
}

export const getHealth = (api: ApiClient, signal?: AbortSignal) => api.request<ServerHealth>("GET", "/healthz", { signal });

export interface OwnerSetup {
  username: string;
  password: string;
  display_name?: string;
}

export const setUpOwner = (api: ApiClient, setup: OwnerSetup) =>
  api.request<{ account: Account }>("POST", "/api/hearth/setup", { json: setup });

export type TunnelMode = "off" | "quick" | "named";

export interface TunnelStatus {
  mode: TunnelMode;
  state: string;
  public_url: string | null;
  is_try_out: boolean;
  warning: string | null;
  connections: number;
  reason: string | null;
  retry_at: string | null;
  restarts: number;
  since: string | null;
  hostname: string | null;
  has_token: boolean;
  tunnel_id: string | null;
  local_service_url: string;
}

export interface TunnelChange {
  mode?: TunnelMode;
  hostname?: string | null;
  token?: string | null;
}

export const getTunnel = (api: ApiClient) => api.request<TunnelStatus>("GET", "/api/hearth/tunnel");
export const changeTunnel = (api: ApiClient, change: TunnelChange) => api.request<TunnelStatus>("PUT", "/api/hearth/tunnel", { json: change });

export interface InstallationInfo {
  data_directory: string;
  version: string;
}

export const getInstallationInfo = (api: ApiClient) => api.request<InstallationInfo>("GET", "/api/hearth/info");

/** A sign-in refused for a wrong username or password, as the owner sees it in settings. */
export interface SignInFailure {
  id: string;
  created_at: string;
  /** As typed; it may name no account. */
  username: string;
  /** The visitor's address as Cloudflare gave it, or this computer's (127.0.0.1) or the LAN's. */
  address: string;
  user_agent: string | null;
}

export const getSignInFailures = (api: ApiClient) => api.request<SignInFailure[]>("GET", "/api/hearth/sign_in_failures");

/** Mastodon's choices for an invite link's expiry, by Hearth's short names. */
export type InviteExpiry = "30m" | "1h" | "6h" | "12h" | "1d" | "7d" | "never";

/** An invite link of the owner's, with how much of it is left. */
export interface Invite {
  id: string;
  code: string;
  /** The link to share. */
  url: string;
  uses: number;
  /** Null: no limit. */
  max_uses: number | null;
  uses_left: number | null;
  expires_at: string | null;
  autofollow: boolean;
  comment: string;
  created_at: string;
  revoked_at: string | null;
  state: "usable" | "revoked" | "expired" | "used_up";
}

export interface NewInvite {
  /** A number of uses, or "unlimited". */
  max_uses: number | "unlimited";
  expires_in: InviteExpiry;
  comment: string;
  autofollow: boolean;
}

export const getInvites = (api: ApiClient) => api.request<Invite[]>("GET", "/api/hearth/invites");
export const createInvite = (api: ApiClient, invite: NewInvite) => api.request<Invite>("POST", "/api/hearth/invites", { json: invite });
export const revokeInvite = (api: ApiClient, id: string) => api.request<Invite>("DELETE", `/api/hearth/invites/${encodeURIComponent(id)}`);

/** Where the owner's backups stand (GET /api/hearth/backups). */
export interface BackupsState {
  running: { kind: "backup" | "verify"; started_at: string; step: string | null; done: number; total: number } | null;
  last_backup: { file: string; bytes: number; created_at: string } | null;
  last_outcome: { kind: "backup" | "verify"; file: string | null; finished_at: string; error: string | null; home_timeline_statuses: number | null } | null;
  schedule: { folder: string | null; interval: BackupInterval; keep: number; next_due_at: string | null };
  last_success: { at: string; file: string; bytes: number } | null;
  last_failure: { at: string; reason: string } | null;
  /** The one word on backups the settings page and the tray both show. */
  freshness: { state: "fresh" | "stale" | "failed" | "none"; last_good_at: string | null; warning: string | null };
}

export type BackupInterval = "daily" | "weekly" | "off";

export interface BackupScheduleChange {
  /** A folder on the server's computer; "" forgets it. */
  folder?: string;
  interval?: BackupInterval;
  keep?: number;
}

export const getBackups = (api: ApiClient) => api.request<BackupsState>("GET", "/api/hearth/backups");
export const startBackup = (api: ApiClient) => api.request<BackupsState>("POST", "/api/hearth/backups");
export const startTestRestore = (api: ApiClient) => api.request<BackupsState>("POST", "/api/hearth/backups/verify");

/** Each person's own account: password, signed-in apps, two-factor sign-in. */
export interface PasswordChange {
  current_password: string;
  password: string;
  password_confirmation: string;
}

export const changePassword = (api: ApiClient, change: PasswordChange) =>
  api.request<{ signed_out_sessions: number }>("POST", "/api/hearth/account/password", { json: change });

/** An app signed in to one's account, as Mastodon's "Authorized apps" lists it. */
export interface AuthorizedApp {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  sessions: number;
  /** This browser's own session is one of its tokens. */
  current: boolean;
}

export const getAuthorizedApps = (api: ApiClient) => api.request<AuthorizedApp[]>("GET", "/api/hearth/account/sessions");
export const revokeAuthorizedApp = (api: ApiClient, id: string) =>
  api.request<{ signed_out_sessions: number; current: boolean }>("DELETE", `/api/hearth/account/sessions/${encodeURIComponent(id)}`);

export interface TwoFactorStatus {
  enabled: boolean;
  recovery_codes_left: number;
}

export interface TwoFactorSetup {
  secret: string;
  uri: string;
  /** A data: URL of an SVG QR code of the URI. */
  qr_code: string;
}

export const getTwoFactor = (api: ApiClient) => api.request<TwoFactorStatus>("GET", "/api/hearth/account/two_factor");
export const beginTwoFactor = (api: ApiClient, password: string) =>
  api.request<TwoFactorSetup>("POST", "/api/hearth/account/two_factor/setup", { json: { password } });
export const confirmTwoFactor = (api: ApiClient, code: string) =>
  api.request<{ enabled: true; recovery_codes: string[] }>("POST", "/api/hearth/account/two_factor/confirm", { json: { code } });
export const disableTwoFactor = (api: ApiClient, password: string, code: string) =>
  api.request<{ enabled: false }>("POST", "/api/hearth/account/two_factor/disable", { json: { password, code } });

/** An instance domain block (Mastodon's Admin::DomainBlock). */
export interface DomainBlock {
  id: string;
  domain: string;
  severity: "suspend" | "silence" | "noop";
  reject_media: boolean;
  reject_reports: boolean;
  private_comment: string | null;
  public_comment: string | null;
  obfuscate: boolean;
}

export type DomainBlockChanges = Partial<Omit<DomainBlock, "id" | "domain">>;

/** What one line of a blocklist import would do, and what it would cut. */
export interface BlocklistPreviewLine {
  line: number;
  written: string;
  domain: string | null;
  severity: DomainBlock["severity"];
  reject_media: boolean;
  action: "new" | "change" | "unchanged" | "invalid";
  error: string | null;
  covered_by: string | null;
  current: DomainBlock | null;
  severs: boolean;
  follows: number;
  followers: number;
  accounts: number;
}

export interface BlocklistPreview {
  lines: BlocklistPreviewLine[];
  totals: { new: number; change: number; unchanged: number; invalid: number; follows_cut: number; followers_cut: number; accounts_affected: number };
}

export interface BlocklistImport {
  totals: { created: number; changed: number; unchanged: number; failed: number };
  results: Array<{ line: number; domain: string; action: string; error: string | null }>;
}

export const getDomainBlocks = (api: ApiClient) => api.request<DomainBlock[]>("GET", "/api/hearth/domain_blocks", { query: { limit: "200" } });
export const createDomainBlock = (api: ApiClient, domain: string, changes: DomainBlockChanges) =>
  api.request<DomainBlock>("POST", "/api/hearth/domain_blocks", { json: { domain, ...changes } });
export const updateDomainBlock = (api: ApiClient, id: string, changes: DomainBlockChanges) =>
  api.request<DomainBlock>("PUT", `/api/hearth/domain_blocks/${encodeURIComponent(id)}`, { json: changes });
export const deleteDomainBlock = (api: ApiClient, id: string) => api.request<object>("DELETE", `/api/hearth/domain_blocks/${encodeURIComponent(id)}`);
export const previewBlocklist = (api: ApiClient, csv: string) => api.request<BlocklistPreview>("POST", "/api/hearth/domain_blocks/import/preview", { json: { csv } });
export const importBlocklist = (api: ApiClient, csv: string) => api.request<BlocklistImport>("POST", "/api/hearth/domain_blocks/import", { json: { csv } });

export const changeBackupSchedule = (api: ApiClient, change: BackupScheduleChange) =>
  api.request<BackupsState>("PUT", "/api/hearth/backups/schedule", { json: change });
