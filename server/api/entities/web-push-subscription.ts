import { PUSH_ALERT_TYPES, pushAlertsOf, type PushAlertType } from "../../core/notifications/push-subscriptions.ts";
import type { PushSubscriptionRow } from "../../core/rows.ts";

/** Mastodon's WebPushSubscription entity. Every alert type is listed: those the app did not ask for as false. */
export function toWebPushSubscription(row: PushSubscriptionRow, serverKey: string) {
  const stored = pushAlertsOf(row);
  const alerts = Object.fromEntries(PUSH_ALERT_TYPES.map((type) => [type, stored[type] === true])) as Record<PushAlertType, boolean>;
  return {
    id: row.id,
    endpoint: row.endpoint,
    standard: row.standard === 1,
    alerts,
    policy: row.policy,
    server_key: serverKey,
  };
}
