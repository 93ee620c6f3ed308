import type { Account, Notification, Status } from "../api/entities.ts";

/** Notifications as shown: likes and boosts of one post (and follows) gathered under one line. */
export interface NotificationGroup {
  key: string;
  type: Notification["type"];
  /** The newest notification's id and time. */
  id: string;
  createdAt: string;
  accounts: Account[];
  status: Status | null;
}

// Mentions and replies are read one by one; the rest say "who" about one thing, and gather.
const GATHERED = new Set(["favourite", "reblog", "follow"]);

/**
 * Groups notifications of a gathering type that concern the same post (or, for follows, the same day),
 * keeping the newest-first order of each group's newest member. Each account appears once per group.
 */
export function groupNotifications(notifications: readonly Notification[]): NotificationGroup[] {
  const groups: NotificationGroup[] = [];
  const byKey = new Map<string, NotificationGroup>();
  for (const notification of notifications) {
    const statusId = notification.status?.id ?? "";
    const key = GATHERED.has(notification.type)
      ? `${notification.type}:${notification.type === "follow" ? notification.created_at.slice(0, 10) : statusId}`
      : `${notification.type}:${notification.id}`;
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.accounts.some((account) => account.id === notification.account.id)) existing.accounts.push(notification.account);
      continue;
    }
    const group: NotificationGroup = {
      key,
      type: notification.type,
      id: notification.id,
      createdAt: notification.created_at,
      accounts: [notification.account],
      status: notification.status ?? null,
    };
    byKey.set(key, group);
    groups.push(group);
  }
  return groups;
}
