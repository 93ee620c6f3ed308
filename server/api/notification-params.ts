import type { NotificationQuery } from "../core/notifications/notifications.ts";
import { normaliseId, text, textList, type Field } from "./input.ts";

/** types[], exclude_types[] and account_id, as both notification APIs (v1 and v2) read them. */
export function notificationQuery(): Field<NotificationQuery> {
  const readList = textList();
  const readText = text();
  return (params) => {
    const fromAccountId = normaliseId(readText(params, "account_id"));
    return {
      types: readList(params, "types"),
      excludeTypes: readList(params, "exclude_types"),
      ...(fromAccountId && { fromAccountId }),
    };
  };
}

/** unread_count's limit: clamped, and the default where it is not a whole number. */
export function unreadLimit(limits: { default: number; max: number }): Field<number> {
  const read = text();
  return (params, name) => {
    const requested = Number(read(params, name) ?? limits.default);
    return Number.isInteger(requested) ? Math.min(Math.max(requested, 1), limits.max) : limits.default;
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
