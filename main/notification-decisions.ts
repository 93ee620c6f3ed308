import type { NotificationView } from "./hearth-client.ts";

/** A native notification, ready to show: plain text only, and the renderer path a click opens. */
export interface NativeNotification {
  /** The Mastodon notification's id (or summary-<id> for a summary). */
  id: string;
  title: string;
  body: string;
  path: string;
}

const BODY_LIMIT = 200;

/**
 * Mastodon ids are numeric strings that sort by time ("110..." < "111..."), but not as strings when their
 * lengths differ, so they are compared by length first.
 */
export function isNewerId(id: string, than: string | null): boolean {
  if (than === null) return true;
  if (id.length !== than.length) return id.length > than.length;
  return id > than;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** A status's HTML as the plain text a notification shows: paragraphs and line breaks kept, tags dropped. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return safeCodePoint(Number.parseInt(name.slice(2), 16)) ?? entity;
      if (name.startsWith("#")) return safeCodePoint(Number.parseInt(name.slice(1), 10)) ?? entity;
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, "\n")
    .trim();
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function shorten(text: string): string {
  const characters = [...text];
  return characters.length <= BODY_LIMIT ? text : `${characters.slice(0, BODY_LIMIT - 1).join("").trimEnd()}…`;
}

function nameOf(account: NotificationView["account"]): string {
  return account.display_name.trim() || account.username;
}

/**
 * Which notifications become a native one: mentions, direct messages (a mention whose status is direct) and
 * follows (and follow requests, a follow awaiting the owner's answer). Favourites and boosts stay in the
 * app: a desktop alert for each would be noise. A post behind a content warning shows the warning, not the
 * text, since the alert appears on screen for anyone to see. While the window has focus nothing pops up:
 * the person is looking at Hearth already.
 */
export function nativeNotificationFor(notification: NotificationView, context: { isWindowFocused: boolean }): NativeNotification | null {
  if (context.isWindowFocused) return null;
  const name = nameOf(notification.account);
  const status = notification.status ?? null;
  switch (notification.type) {
    case "mention": {
      if (!status) return null;
      const isDirect = status.visibility === "direct";
      const text = status.spoiler_text.trim() ? `Content warning: ${status.spoiler_text.trim()}` : htmlToPlainText(status.content);
      return {
        id: notification.id,
        title: isDirect ? `Direct message from ${name}` : `${name} mentioned you`,
        body: shorten(text),
        path: `/@${status.account.acct}/${encodeURIComponent(status.id)}`,
      };
    }
    case "follow":
      return { id: notification.id, title: `${name} followed you`, body: `@${notification.account.acct}`, path: `/@${notification.account.acct}` };
    case "follow_request":
      return { id: notification.id, title: `${name} asked to follow you`, body: `@${notification.account.acct}`, path: "/notifications" };
    default:
      return null;
  }
}

/**
 * What to show for notifications that arrived while the shell was not listening (Hearth was closed, the
 * stream was down): each one if there are a few, else one line that counts them, rather than a burst.
 */
export function catchUpNotifications(pending: readonly NativeNotification[], max = 3): NativeNotification[] {
  if (pending.length <= max) return [...pending];
  const newest = pending.reduce((a, b) => (isNewerId(b.id, a.id) ? b : a));
  return [{ id: `summary-${newest.id}`, title: "Hearth", body: `${pending.length} new mentions, follows and messages`, path: "/notifications" }];
}

/** The unread notifications behind the badge: those newer than the notifications marker. */
export interface BadgeState {
  lastReadId: string | null;
  unread: readonly string[];
}

export const EMPTY_BADGE: BadgeState = { lastReadId: null, unread: [] };

export function badgeAfterReceived(state: BadgeState, ids: readonly string[]): BadgeState {
  const fresh = ids.filter((id) => isNewerId(id, state.lastReadId) && !state.unread.includes(id));
  return fresh.length === 0 ? state : { ...state, unread: [...state.unread, ...fresh] };
}

export function badgeAfterRead(state: BadgeState, lastReadId: string | null): BadgeState {
  if (lastReadId === null || (state.lastReadId !== null && !isNewerId(lastReadId, state.lastReadId))) return state;
  return { lastReadId, unread: state.unread.filter((id) => isNewerId(id, lastReadId)) };
}

/** The newest id the badge knows of: what "seen" marks as read. */
export function newestUnread(state: BadgeState): string | null {
  return state.unread.reduce<string | null>((newest, id) => (isNewerId(id, newest) ? id : newest), null);
}
