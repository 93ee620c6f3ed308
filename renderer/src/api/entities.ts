/**
 * The Mastodon entities this client reads, as documented (mastodon/documentation content/en/entities).
 * Only the fields the UI uses are named; the server sends more.
 */

export type Visibility = "public" | "unlisted" | "private" | "direct";

export interface CustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
}

export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  acct: string;
  url: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  locked: boolean;
  bot: boolean;
  fields: Field[];
  emojis: CustomEmoji[];
  created_at: string;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  /** The account this one moved to; absent when it has not moved. */
  moved?: Account;
}

export interface CredentialAccount extends Account {
  source: {
    privacy: Visibility;
    sensitive: boolean;
    language: string | null;
    note: string;
    fields: Field[];
    follow_requests_count: number;
    /** The aliases (alsoKnownAs) as ActivityPub ids (GoToSocial's field). */
    also_known_as_uris?: string[];
  };
  role?: { name: string } | null;
}

export interface MediaMeta {
  width?: number;
  height?: number;
  aspect?: number;
}

export interface MediaAttachment {
  id: string;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  description: string | null;
  blurhash: string | null;
  meta: { original?: MediaMeta; small?: MediaMeta; focus?: { x: number; y: number } } | null;
}

export interface PollOption {
  title: string;
  votes_count: number | null;
}

export interface Poll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: PollOption[];
  emojis: CustomEmoji[];
  voted?: boolean;
  own_votes?: number[];
}

export interface PreviewCard {
  url: string;
  title: string;
  description: string;
  image: string | null;
  width: number;
  height: number;
  blurhash: string | null;
  provider_name: string;
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface Tag {
  name: string;
  url: string;
  /** Whether the reader follows it (posts with it come into their home); present when signed in. */
  following?: boolean;
}

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: Account;
  content: string;
  /** Only in the answers to a delete and to /source: the text as written. */
  text?: string | null;
  spoiler_text: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: Status | null;
  media_attachments: MediaAttachment[];
  mentions: Mention[];
  tags: Tag[];
  emojis: CustomEmoji[];
  poll: Poll | null;
  card: PreviewCard | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  favourited?: boolean;
  reblogged?: boolean;
  bookmarked?: boolean;
  muted?: boolean;
  pinned?: boolean;
  /** Mastodon 4.4's quote: the quoted post, or why it is not shown. */
  quote?: { state: string; quoted_status: Status | null } | null;
}

export interface List {
  id: string;
  title: string;
  replies_policy: "followed" | "list" | "none";
  exclusive?: boolean;
}

export interface StatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

export interface StatusContext {
  ancestors: Status[];
  descendants: Status[];
}

export type NotificationType =
  | "mention"
  | "status"
  | "reblog"
  | "follow"
  | "follow_request"
  | "favourite"
  | "poll"
  | "update"
  | (string & {});

export interface Notification {
  id: string;
  type: NotificationType;
  created_at: string;
  account: Account;
  status?: Status | null;
}

export interface Relationship {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  followed_by: boolean;
  blocking: boolean;
  muting: boolean;
  requested: boolean;
}

export interface SearchResults {
  accounts: Account[];
  statuses: Status[];
  hashtags: Tag[];
}

export interface InstanceConfiguration {
  statuses: { max_characters: number; max_media_attachments: number; characters_reserved_per_url: number };
  media_attachments: { supported_mime_types: string[]; description_limit?: number; image_size_limit: number };
  polls: { max_options: number; max_characters_per_option: number; min_expiration: number; max_expiration: number };
  urls?: { streaming?: string };
}

export interface Instance {
  domain: string;
  title: string;
  version: string;
  configuration: InstanceConfiguration;
}

export interface RegisteredApplication {
  client_id: string;
  client_secret: string;
}

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  scope: string;
  created_at: number;
}
