import { avatarUrl, headerUrl } from "../../core/media/account-images.ts";
import type { AccountEntityRow, AccountStats } from "../../core/accounts/account-stats.ts";
import { parseStoredFields } from "../../core/accounts/profile.ts";
import { aliasesOf } from "../../core/accounts/aliases.ts";
import { toCustomEmoji, type MastodonCustomEmoji } from "./custom-emoji.ts";
import type { AccountRow, CustomEmojiRow, LocalUserRow } from "../../core/rows.ts";
import type { LocalUserRole } from "../../db/schema.ts";

/** Mastodon's Field entity. */
export interface MastodonField {
  name: string;
  value: string;
  verified_at: string | null;
}

/** Mastodon's Account entity: every field present, null where Mastodon allows it. */
export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  avatar_description: string;
  header: string;
  header_static: string;
  header_description: string;
  locked: boolean;
  fields: MastodonField[];
  emojis: MastodonCustomEmoji[];
  bot: boolean;
  group: boolean;
  discoverable: boolean | null;
  indexable: boolean;
  noindex: boolean;
  hide_collections: boolean | null;
  memorial: boolean;
  suspended: boolean;
  limited: boolean;
  roles: never[];
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  /** The account this one moved to (Mastodon leaves the key out when it has not moved). */
  moved?: MastodonAccount;
}

export interface MastodonCredentialAccount extends MastodonAccount {
  source: {
    privacy: string;
    sensitive: boolean;
    language: string | null;
    note: string;
    fields: Array<{ name: string; value: string; verified_at: string | null }>;
    follow_requests_count: number;
    hide_collections: boolean;
    discoverable: boolean;
    indexable: boolean;
    attribution_domains: string[];
    /** GoToSocial's: the aliases (alsoKnownAs) as ActivityPub ids, set with POST /api/v1/accounts/alias. */
    also_known_as_uris: string[];
  };
  role: { id: string; name: string; permissions: string; color: string; highlighted: boolean };
}


function parseFields(json: string): MastodonField[] {
  // Most accounts have no fields: a page of authors then parses nothing.
  if (json === "[]") return [];
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.map((field: { name?: unknown; value?: unknown; verified_at?: unknown }) => ({
    name: String(field.name ?? ""),
    value: String(field.value ?? ""),
    verified_at: typeof field.verified_at === "string" ? field.verified_at : null,
  }));
}

/** Mastodon reports when an account was created as the day, at midnight UTC. */
function toDay(iso: string): string {
  return `${iso.slice(0, 10)}T00:00:00.000Z`;
}

/**
 * `emojis`: the custom emoji the account's name, note and fields use (core's loadAccountEmojis); `moved`: the
 * account its movedTo names, rendered, when it has moved and that account is known here.
 */
export function toAccount(row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[], moved?: MastodonAccount): MastodonAccount {
  const isLocal = row.domain === null;
  const url = row.url ?? `${origin}/@${row.username}`;
  // Remote images are linked where they live until the media cache keeps copies.
  const avatar = avatarUrl(row, origin);
  const header = headerUrl(row, origin);
  // Mastodon shows a suspended account's name and nothing of its profile.
  if (row.suspended_at !== null) row = { ...row, display_name: "", note: "", fields_json: "[]" };
  return {
    id: row.id,
    username: row.username,
    acct: isLocal ? row.username : `${row.username}@${row.domain}`,
    url,
    uri: row.uri ?? `${origin}/users/${row.username}`,
    display_name: row.display_name,
    note: row.note,
    avatar,
    avatar_static: avatar,
    avatar_description: "",
    header,
    header_static: header,
    header_description: "",
    locked: row.is_locked === 1,
    fields: parseFields(row.fields_json),
    emojis: emojis.map((emoji) => toCustomEmoji(emoji, origin)),
    bot: row.is_bot === 1,
    group: false,
    discoverable: row.is_discoverable === 1,
    indexable: row.is_indexable === 1,
    noindex: row.is_indexable !== 1,
    hide_collections: false,
    memorial: false,
    suspended: row.suspended_at !== null,
    limited: row.silenced_at !== null,
    roles: [],
    created_at: toDay(row.created_at),
    last_status_at: stats.lastStatusAt ? stats.lastStatusAt.slice(0, 10) : null,
    statuses_count: stats.statusesCount,
    followers_count: stats.followersCount,
    following_count: stats.followingCount,
    ...(moved ? { moved } : {}),
  };
}

/**
 * Mastodon's built-in roles as its API shows them (ids as Mastodon seeds them; permissions are its Role flags):
 * the owner holds all of them, a moderator manage_reports, manage_blocks and manage_users, a member none.
 */
export const MASTODON_ROLES: Readonly<Record<LocalUserRole, MastodonCredentialAccount["role"]>> = {
  owner: { id: "3", name: "Owner", permissions: "1048575", color: "", highlighted: true },
  moderator: { id: "1", name: "Moderator", permissions: String((1 << 4) | (1 << 7) | (1 << 10)), color: "", highlighted: true },
  member: { id: "-99", name: "", permissions: "0", color: "", highlighted: false },
};

export function toCredentialAccount(
  row: AccountRow,
  user: LocalUserRow,
  stats: AccountStats,
  origin: string,
  emojis: readonly CustomEmojiRow[],
  moved?: MastodonAccount,
): MastodonCredentialAccount {
  const account = toAccount(row, stats, origin, emojis, moved);
  return {
    ...account,
    source: {
      privacy: user.default_visibility,
      sensitive: user.default_sensitive === 1,
      language: user.default_language,
      note: row.note_source,
      // The edit form shows the values as typed, not as the HTML the profile shows.
      fields: parseStoredFields(row.fields_json).map((field) => ({ name: field.name, value: field.value_source, verified_at: field.verified_at })),
      follow_requests_count: stats.followRequestsCount,
      hide_collections: false,
      discoverable: row.is_discoverable === 1,
      indexable: row.is_indexable === 1,
      attribution_domains: [],
      also_known_as_uris: aliasesOf(row),
    },
    role: MASTODON_ROLES[user.role],
  };
}
