import type { NotificationQuery } from "../core/notifications/notifications.ts";
import { nestedText, nestedTextList, type NestedParams } from "./nested-params.ts";
import { normaliseId } from "./status-requests.ts";

/** types[], exclude_types[] and account_id, as both notification APIs (v1 and v2) read them. */
export function notificationQueryOf(params: NestedParams): NotificationQuery {
  const fromAccountId = normaliseId(nestedText(params, "account_id"));
  return {
    types: nestedTextList(params, "types"),
    excludeTypes: nestedTextList(params, "exclude_types"),
    ...(fromAccountId && { fromAccountId }),
  };
}

/** Mastodon's notification policy, as it stands for an account that filters nothing (Hearth has no filtering). */
export function acceptAllPolicy() {
  return {
    for_not_following: "accept",
    for_not_followers: "accept",
    for_new_accounts: "accept",
    for_private_mentions: "accept",
    for_limited_accounts: "accept",
    // v1's names for the same.
    filter_not_following: false,
    filter_not_followers: false,
    filter_new_accounts: false,
    filter_private_mentions: false,
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  };
}
