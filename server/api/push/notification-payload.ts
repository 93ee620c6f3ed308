import { avatarUrl } from "../../core/media/account-images.ts";
import { htmlToPlainText } from "../../core/statuses/plain-text.ts";
import type { PushNotificationFacts } from "../../core/notifications/push-subscriptions.ts";

/** The decrypted body of a Mastodon Web Push message (Web::NotificationSerializer), which apps parse. */
export interface PushNotificationPayload {
  access_token: string;
  preferred_locale: string;
  notification_id: string;
  notification_type: string;
  icon: string;
  title: string;
  body: string;
}

// Mastodon's English notification_mailer subjects, which its pushes use as titles.
const TITLES: Record<string, (name: string) => string> = {
  mention: (name) => `You were mentioned by ${name}`,
  status: (name) => `${name} just posted`,
  reblog: (name) => `${name} boosted your post`,
  follow: (name) => `${name} is now following you`,
  follow_request: (name) => `Pending follower: ${name}`,
  favourite: (name) => `${name} favorited your post`,
  poll: (name) => `A poll by ${name} has ended`,
  update: (name) => `${name} edited a post`,
  "admin.sign_up": (name) => `${name} signed up`,
  "admin.report": (name) => `${name} submitted a report`,
};

const BODY_LENGTH = 140;

/** Rails' truncate: at most `length` characters, the last three of a cut text being "...". */
function truncate(text: string, length: number): string {
  const characters = [...text];
  return characters.length <= length ? text : `${characters.slice(0, length - 3).join("")}...`;
}

/**
 * What the phone shows: who did what as the title, and the content warning, the status text or the
 * author's bio as the body, in plain text.
 */
export function toPushNotificationPayload(facts: PushNotificationFacts, accessToken: string, origin: string): PushNotificationPayload {
  const name = facts.from.display_name.trim() || facts.from.username;
  // A content warning is plain text already; statuses and bios are HTML.
  const body = facts.status?.spoilerText || htmlToPlainText(facts.status ? facts.status.content : facts.from.note);
  return {
    access_token: accessToken,
    // Hearth has no per-user interface language yet.
    preferred_locale: "en",
    notification_id: facts.id,
    notification_type: facts.type,
    icon: avatarUrl(facts.from, origin),
    title: (TITLES[facts.type] ?? ((who: string) => `New notification from ${who}`))(name),
    body: truncate(body, BODY_LENGTH),
  };
}
