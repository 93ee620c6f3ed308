import type { HearthClient } from "./hearth-client.ts";
import {
  badgeAfterRead,
  badgeAfterReceived,
  catchUpNotifications,
  EMPTY_BADGE,
  nativeNotificationFor,
  newestUnread,
  type BadgeState,
  type NativeNotification,
} from "./notification-decisions.ts";
import { createNotificationFeed, type SocketLike } from "./notification-feed.ts";
import type { PreferencesFile } from "./shell-preferences.ts";

export interface DesktopNotificationsOptions {
  client: HearthClient;
  preferences: PreferencesFile;
  openSocket(url: string): SocketLike;
  isWindowFocused(): boolean;
  /** Shows a native notification (Electron's Notification in the app); onClick when it is clicked. */
  show(notification: NativeNotification, onClick: () => void): void;
  /** The badge on the Dock or launcher icon, where the platform has one. */
  setBadgeCount(count: number): void;
  openPath(path: string): void;
  onError?(error: unknown): void;
}

export interface DesktopNotifications {
  /** The person looked at their notifications: clear the badge and move the marker. */
  seen(): void;
  /** Reads the marker again (another app may have read the notifications). */
  refreshReadMarker(): Promise<void>;
  stop(): void;
}

const UNREAD_LIMIT = 40;

/** Native notifications and the badge for the owner, fed by the streaming and notifications APIs. */
export function createDesktopNotifications(options: DesktopNotificationsOptions): DesktopNotifications {
  const { client } = options;
  let badge: BadgeState = EMPTY_BADGE;
  let isStopped = false;
  const setBadge = (next: BadgeState) => {
    if (next === badge) return;
    badge = next;
    if (!isStopped) options.setBadgeCount(badge.unread.length);
  };
  const report = (error: unknown) => options.onError?.(error);

  const feed = createNotificationFeed({
    client,
    openSocket: options.openSocket,
    lastSeenId: options.preferences.read().lastNotifiedId,
    onLastSeen: (id) => options.preferences.update({ lastNotifiedId: id }),
    onError: report,
    onNotifications(batch, how) {
      setBadge(badgeAfterReceived(badge, batch.map((notification) => notification.id)));
      const isWindowFocused = options.isWindowFocused();
      const candidates = batch.flatMap((notification) => nativeNotificationFor(notification, { isWindowFocused }) ?? []);
      for (const notification of how === "catch-up" ? catchUpNotifications(candidates) : candidates) {
        options.show(notification, () => options.openPath(notification.path));
      }
    },
  });

  async function loadUnread(): Promise<void> {
    const lastReadId = await client.notificationsReadUpTo();
    // Without a marker the person has never read them here; the badge starts from now rather than from everything.
    if (lastReadId === null) return;
    setBadge(badgeAfterRead(badge, lastReadId));
    const unread = await client.notifications({ sinceId: lastReadId, limit: UNREAD_LIMIT });
    setBadge(badgeAfterReceived(badge, unread.map((notification) => notification.id)));
  }

  feed.start();
  loadUnread().catch(report);

  return {
    seen() {
      const newest = newestUnread(badge);
      if (newest === null) return;
      setBadge(badgeAfterRead(badge, newest));
      client.markNotificationsRead(newest).catch(report);
    },
    async refreshReadMarker() {
      try {
        setBadge(badgeAfterRead(badge, await client.notificationsReadUpTo()));
      } catch (error) {
        report(error);
      }
    },
    stop() {
      isStopped = true;
      feed.stop();
      options.setBadgeCount(0);
    },
  };
}
