import type { MediaType, Visibility } from "../../db/schema.ts";

/**
 * A status another server published, as federation hands it to core: what the Note (or Question, Article,
 * Page) says, already sanitised, bounded, and with its mentions resolved to account rows. Core stores it
 * with recordRemoteStatus / recordRemoteEdit (remote-statuses.ts).
 */
export interface RemoteStatusRecord {
  /** The object's ActivityPub id. */
  uri: string;
  /** Its HTML page, when it names one. */
  url: string | null;
  /** The author (the object's attributedTo, already checked to be the activity's actor). */
  accountId: string;
  visibility: Visibility;
  /** Sanitised HTML. */
  content: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  createdAt: string;
  /** When the author last edited it (the object's `updated`), or null. */
  editedAt: string | null;
  inReplyToUri: string | null;
  /**
   * The status it answers when federation already knows it: one of ours (whose uri is not stored, so only
   * federation can read it from the id) or a stored remote one. Otherwise core looks inReplyToUri up.
   */
  inReplyToId?: string | null;
  quoteUri: string | null;
  /** As inReplyToId, for the quoted status. */
  quoteOfId?: string | null;
  /** The thread's `context` (or OStatus `conversation`), so replies group as their server groups them. */
  conversationUri: string | null;
  /** Mentioned accounts (local and remote), at most MAX_MENTIONS, without duplicates. */
  mentionedAccountIds: readonly string[];
  /**
   * Accounts the object is addressed to (to/cc) without a Mention tag: they may see it but are not notified,
   * as Mastodon's silent mentions.
   */
  silentMentionAccountIds: readonly string[];
  /** Hashtag names without the '#', as written. */
  tagNames: readonly string[];
  emojis: readonly RemoteEmoji[];
  media: readonly RemoteMedia[];
  poll: RemotePoll | null;
}

export interface RemoteEmoji {
  /** Without the colons. */
  shortcode: string;
  imageUrl: string;
  /** The Emoji object's id, when it has one. */
  uri: string | null;
}

export interface RemoteMedia {
  remoteUrl: string;
  type: MediaType;
  contentType: string | null;
  /** The attachment's `name`: its alt text. */
  description: string | null;
  blurhash: string | null;
  /** Mastodon's focal point, -1..1 on each axis. */
  focus: { x: number; y: number } | null;
  width: number | null;
  height: number | null;
}

export interface RemotePoll {
  options: readonly string[];
  /** Votes per option as the poll's server counts them, in the order of options. */
  tallies: readonly number[];
  multiple: boolean;
  votersCount: number | null;
  expiresAt: string | null;
  closedAt: string | null;
}

/** Bounds on what one remote object may make us store or fetch; generous next to what any server sends. */
export const REMOTE_STATUS_LIMITS = {
  /** Mentions resolved (and remote actors fetched) per status. */
  maxMentions: 50,
  maxTags: 100,
  maxEmojis: 100,
  /** Mastodon's ACTIVITYPUB_STATUSES_ATTACHMENT_MAX. */
  maxMedia: 16,
  /** A Question with more options than this is not a poll any client can show; the status is refused. */
  maxPollOptions: 100,
  maxPollOptionLength: 1000,
  maxContentLength: 500_000,
  maxSpoilerLength: 10_000,
  /** Mastodon's MediaAttachment::MAX_DESCRIPTION_LENGTH. */
  maxDescriptionLength: 1500,
} as const;
