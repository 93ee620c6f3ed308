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
export const changeBackupSchedule = (api: ApiClient, change: BackupScheduleChange) =>
  api.request<BackupsState>("PUT", "/api/hearth/backups/schedule", { json: change });
