/** Notifications, and the Web Push subscriptions that carry them. */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

export type NotificationType =
  | "mention"
  | "status"
  | "reblog"
  | "follow"
  | "follow_request"
  | "favourite"
  | "poll"
  | "update"
  | "reaction"
  | "admin.report"
  | "moved";

export interface NotificationsTable {
  id: string;
  /** The local account notified. */
  account_id: string;
  type: NotificationType;
  from_account_id: string;
  status_id: Optional<string>;
  report_id: Optional<string>;
  /** Grouped notifications (v2): same key, same group. */
  group_key: string;
  created_at: Timestamp;
}

export interface PushSubscriptionsTable {
  id: string;
  access_token_id: string;
  account_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** 1: RFC 8291 aes128gcm; 0: the older aesgcm draft that Mastodon apps before 4.4 expect. */
  standard: Flag;
  /** The access token in clear: Mastodon's push payload carries it, and apps match accounts by it. */
  access_token: string;
  alerts_json: string;
  policy: Defaulted<"all" | "followed" | "follower" | "none">;
  created_at: Timestamp;
  updated_at: Timestamp;
}
