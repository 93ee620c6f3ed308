/**
 * The shell as a client of its own server, over the same HTTP API third-party apps use: the Mastodon API
 * for the account, notifications and markers, /api/hearth/tunnel for what Mastodon has no word for. Only
 * the fields the shell reads are typed here.
 */

export type TunnelMode = "off" | "quick" | "named";
export type TunnelState = "off" | "starting" | "connected" | "reconnecting" | "failed";

export interface TunnelView {
  mode: TunnelMode;
  state: TunnelState;
  public_url: string | null;
  is_try_out: boolean;
  reason: string | null;
  downloaded_bytes: number | null;
}

/** How the owner's backups stand, as GET /api/hearth/backups reports it: the same source as the settings page. */
export interface BackupFreshnessView {
  state: "fresh" | "stale" | "failed" | "none";
  last_good_at: string | null;
  warning: string | null;
}

export interface AccountView {
  id: string;
  username: string;
  acct: string;
  display_name: string;
}

export interface StatusView {
  id: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  spoiler_text: string;
  content: string;
  account: AccountView;
}

export interface NotificationView {
  id: string;
  type: string;
  created_at: string;
  account: AccountView;
  status?: StatusView | null;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

export interface HearthClient {
  readonly baseUrl: string;
  health(): Promise<{ setUp: boolean }>;
  verifyCredentials(): Promise<AccountView>;
  /** The domain the instance goes by right now (the public host, or the local address when unpublished). */
  instanceDomain(): Promise<string>;
  tunnel(): Promise<TunnelView>;
  setTunnelMode(mode: TunnelMode): Promise<TunnelView>;
  backupFreshness(): Promise<BackupFreshnessView>;
  /** Newest first, as Mastodon answers. */
  notifications(query: { sinceId?: string; limit: number }): Promise<NotificationView[]>;
  /** The id of the last notification the person has read (Mastodon's notifications marker), if any. */
  notificationsReadUpTo(): Promise<string | null>;
  /** Moves the notifications marker, as a Mastodon client does once the person has seen them. */
  markNotificationsRead(lastReadId: string): Promise<void>;
  /** The streaming API's address for the owner's notifications, token included (as Mastodon's clients do). */
  notificationStreamUrl(): string;
}

export function createHearthClient(options: { baseUrl: string; token: string | null; fetch?: typeof fetch }): HearthClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? fetch;

  async function request<T>(method: string, path: string, body?: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = `${method} ${path} answered ${response.status}`;
      try {
        const error = (JSON.parse(text) as { error?: unknown }).error;
        if (typeof error === "string") message = error;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new HttpError(response.status, message);
    }
    return JSON.parse(text) as T;
  }

  return {
    baseUrl,
    health: () => request<{ setUp: boolean }>("GET", "/healthz"),
    verifyCredentials: () => request<AccountView>("GET", "/api/v1/accounts/verify_credentials"),
    instanceDomain: async () => (await request<{ domain: string }>("GET", "/api/v2/instance")).domain,
    tunnel: () => request<TunnelView>("GET", "/api/hearth/tunnel"),
    setTunnelMode: (mode) => request<TunnelView>("PUT", "/api/hearth/tunnel", { mode }),
    backupFreshness: async () => (await request<{ freshness: BackupFreshnessView }>("GET", "/api/hearth/backups")).freshness,
    notifications({ sinceId, limit }) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (sinceId) query.set("since_id", sinceId);
      return request<NotificationView[]>("GET", `/api/v1/notifications?${query}`);
    },
    async notificationsReadUpTo() {
      const markers = await request<{ notifications?: { last_read_id?: string } }>("GET", "/api/v1/markers?timeline[]=notifications");
      return markers.notifications?.last_read_id ?? null;
    },
    async markNotificationsRead(lastReadId) {
      await request<unknown>("POST", "/api/v1/markers", { notifications: { last_read_id: lastReadId } });
    },
    notificationStreamUrl() {
      const url = new URL(`${baseUrl}/api/v1/streaming`);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      url.searchParams.set("stream", "user:notification");
      if (options.token) url.searchParams.set("access_token", options.token);
      return url.href;
    },
  };
}
