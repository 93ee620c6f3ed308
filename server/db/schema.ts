import type { ColumnType } from "kysely";

/** ISO-8601 timestamps with milliseconds, as text: they sort and compare as times do. */
type Timestamp = string;
/** SQLite has no boolean: 0 or 1. */
type Flag = ColumnType<number, number | undefined, number>;

/** The one row that says who this instance is. */
export interface InstanceTable {
  id: ColumnType<1, 1, never>;
  /** https://name.example, fixed once the instance is published; null while it has only been used locally. */
  canonical_origin: string | null;
  name: string;
  description: string;
  created_at: Timestamp;
}

/** Local and (later) remote accounts, as Mastodon keeps them: one table, domain null for ours. */
export interface AccountsTable {
  id: string;
  username: string;
  domain: string | null;
  display_name: string;
  /** Bio as HTML. */
  note: string;
  /** The bio as typed, for local accounts (Mastodon's source.note). */
  note_source: string;
  fields_json: ColumnType<string, string | undefined, string>;
  is_locked: Flag;
  is_bot: Flag;
  is_discoverable: Flag;
  is_indexable: Flag;
  avatar_file: string | null;
  header_file: string | null;
  /** ActivityPub id for remote accounts; local ones derive theirs from the canonical origin. */
  uri: string | null;
  url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  // The rest is for remote actors (0004); null for local accounts.
  /** Person, Service, Group, Application or Organization. */
  actor_type: ColumnType<string | null, string | null | undefined, string | null>;
  inbox_url: ColumnType<string | null, string | null | undefined, string | null>;
  shared_inbox_url: ColumnType<string | null, string | null | undefined, string | null>;
  outbox_url: ColumnType<string | null, string | null | undefined, string | null>;
  followers_url: ColumnType<string | null, string | null | undefined, string | null>;
  following_url: ColumnType<string | null, string | null | undefined, string | null>;
  featured_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** The id of the actor's RSA key, which signs its HTTP requests. */
  public_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Remote media stays at its origin until the media cache fetches it. */
  avatar_remote_url: ColumnType<string | null, string | null | undefined, string | null>;
  header_remote_url: ColumnType<string | null, string | null | undefined, string | null>;
  moved_to_uri: ColumnType<string | null, string | null | undefined, string | null>;
  also_known_as_json: ColumnType<string, string | undefined, string>;
  /** When the actor document was last fetched (or received in an Update). */
  fetched_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

export type FollowState = "pending" | "accepted";

/** Follows and follow requests both ways: pending until the followed side accepts. */
export interface FollowsTable {
  id: string;
  /** The follower. */
  account_id: string;
  /** The account followed. */
  target_account_id: string;
  state: FollowState;
  /** The Follow activity's id: ours for outgoing follows, the peer's for incoming ones. */
  uri: string;
  show_reblogs: Flag;
  notify: Flag;
  /** JSON array of ISO 639-1 codes the follower wants from this account; null for every language (0006). */
  languages_json: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type LocalUserRole = "owner" | "member";

export interface LocalUsersTable {
  account_id: string;
  password_hash: string;
  role: LocalUserRole;
  /** Key pairs as JSON Web Keys: RSA for draft-cavage signatures, Ed25519 for object integrity proofs. */
  rsa_public_jwk: string;
  rsa_private_jwk: string;
  ed25519_public_jwk: string;
  ed25519_private_jwk: string;
  default_visibility: ColumnType<string, string | undefined, string>;
  default_sensitive: Flag;
  default_language: string | null;
  created_at: Timestamp;
}

export interface OAuthApplicationsTable {
  id: string;
  name: string;
  website: string | null;
  /** Newline-separated, as the client registered them. */
  redirect_uris: string;
  scopes: string;
  client_id: string;
  client_secret_hash: string;
  created_at: Timestamp;
}

export interface OAuthAccessTokensTable {
  id: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  application_id: string;
  /** Null for client_credentials tokens, which act for the application, not a user. */
  account_id: string | null;
  scopes: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type TunnelModeSetting = "off" | "quick" | "named";

/** One row (id 1) once anything about the tunnel has been chosen; absent means off. */
export interface TunnelSettingsTable {
  id: ColumnType<1, 1, never>;
  mode: TunnelModeSetting;
  hostname: string | null;
  /** A secret: read only to hand it to cloudflared's environment, never serialised. */
  token: string | null;
  updated_at: Timestamp;
}

export interface OAuthAuthorizationCodesTable {
  id: string;
  /** SHA-256 of the code, like tokens: a copied database cannot be used to mint tokens. */
  code_hash: string;
  application_id: string;
  account_id: string;
  redirect_uri: string;
  scopes: string;
  /** PKCE (RFC 7636): the client proves at /oauth/token that it started this authorization. */
  code_challenge: string | null;
  code_challenge_method: "S256" | "plain" | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

// 0006: the social model. Nullable columns a row may omit on insert use Optional.
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface ConversationsTable {
  id: string;
  uri: Optional<string>;
  created_at: Timestamp;
}

export type Visibility = "public" | "unlisted" | "private" | "direct";

/** Statuses and boosts, local and remote. A boost is a row whose reblog_of_id names the boosted status. */
export interface StatusesTable {
  id: string;
  account_id: string;
  /** ActivityPub id of remote statuses; null for local ones, whose id derives from the canonical origin. */
  uri: Optional<string>;
  url: Optional<string>;
  local: number;
  in_reply_to_id: Optional<string>;
  /** The parent's ActivityPub id, kept even while the parent is not stored. */
  in_reply_to_uri: Optional<string>;
  in_reply_to_account_id: Optional<string>;
  reblog_of_id: Optional<string>;
  quote_of_id: Optional<string>;
  quote_uri: Optional<string>;
  conversation_id: Optional<string>;
  visibility: Visibility;
  /** Sanitised HTML. */
  content: Defaulted<string>;
  /** What a local author typed; null for remote statuses. */
  text: Optional<string>;
  spoiler_text: Defaulted<string>;
  sensitive: Flag;
  language: Optional<string>;
  application_id: Optional<string>;
  created_at: Timestamp;
  edited_at: Optional<Timestamp>;
  updated_at: Timestamp;
  fetched_at: Optional<Timestamp>;
}

/** Earlier versions of an edited status. */
export interface StatusEditsTable {
  id: string;
  status_id: string;
  content: string;
  spoiler_text: string;
  sensitive: number;
  media_ids_json: Defaulted<string>;
  poll_options_json: Optional<string>;
  created_at: Timestamp;
}

export type MediaType = "image" | "gifv" | "video" | "audio" | "unknown";

export interface MediaAttachmentsTable {
  id: string;
  account_id: string;
  /** Null until a status takes the upload. */
  status_id: Optional<string>;
  position: Defaulted<number>;
  type: MediaType;
  content_type: Optional<string>;
  /** Relative to the data directory's media/ folder. */
  file: Optional<string>;
  thumbnail_file: Optional<string>;
  remote_url: Optional<string>;
  /** The peer's own preview image (a video's still frame), shown as preview_remote_url. */
  thumbnail_remote_url: Optional<string>;
  /** Set while a scheduled status holds the upload: the cleanup of unattached uploads leaves it alone. */
  scheduled_status_id: Optional<string>;
  description: Optional<string>;
  blurhash: Optional<string>;
  focus_x: Optional<number>;
  focus_y: Optional<number>;
  meta_json: Defaulted<string>;
  processing: Defaulted<"pending" | "done" | "failed">;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MentionsTable {
  status_id: string;
  account_id: string;
  silent: Flag;
}

export interface TagsTable {
  id: string;
  /** Lower-cased. */
  name: string;
  display_name: string;
  created_at: Timestamp;
}

export interface StatusTagsTable {
  status_id: string;
  tag_id: string;
}

export interface TagFollowsTable {
  id: string;
  account_id: string;
  tag_id: string;
  created_at: Timestamp;
}

export interface CustomEmojisTable {
  id: string;
  shortcode: string;
  /** Null for our own emoji. */
  domain: Optional<string>;
  uri: Optional<string>;
  image_url: string;
  file: Optional<string>;
  visible_in_picker: Flag;
  category: Optional<string>;
  updated_at: Timestamp;
}

export interface FavouritesTable {
  id: string;
  account_id: string;
  status_id: string;
  /** The Like activity's id. */
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface BookmarksTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface StatusPinsTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface ReactionsTable {
  id: string;
  account_id: string;
  status_id: string;
  /** A unicode emoji, or a custom one's shortcode without colons. */
  name: string;
  custom_emoji_id: Optional<string>;
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface ConversationMutesTable {
  account_id: string;
  conversation_id: string;
}

export interface PollsTable {
  id: string;
  status_id: string;
  /** The option titles, in order. */
  options_json: string;
  /** Remote polls: the vote counts per option their server last sent. Null for local polls. */
  cached_tallies_json: Optional<string>;
  voters_count: Optional<number>;
  multiple: Flag;
  hide_totals: Flag;
  expires_at: Optional<Timestamp>;
  closed_at: Optional<Timestamp>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PollVotesTable {
  id: string;
  poll_id: string;
  account_id: string;
  choice: number;
  uri: Optional<string>;
  created_at: Timestamp;
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
  | "reaction"
  | "admin.report"
  | "moved";

export interface NotificationsTable {
  id: string;
  /** The local account notified. */
  account_id: string;
  type: NotificationType;
  from_account_id: string;
  status_id: Optional<string>;
  report_id: Optional<string>;
  /** Grouped notifications (v2): same key, same group. */
  group_key: string;
  created_at: Timestamp;
}

export interface HomeFeedTable {
  account_id: string;
  status_id: string;
}

export interface BlocksTable {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface MutesTable {
  id: string;
  account_id: string;
  target_account_id: string;
  hide_notifications: Flag;
  expires_at: Optional<Timestamp>;
  created_at: Timestamp;
}

export interface AccountDomainBlocksTable {
  id: string;
  account_id: string;
  domain: string;
  created_at: Timestamp;
}

export interface InstanceDomainBlocksTable {
  id: string;
  domain: string;
  reason: Optional<string>;
  created_at: Timestamp;
}

export interface ReportsTable {
  id: string;
  account_id: string;
  target_account_id: string;
  status_ids_json: Defaulted<string>;
  comment: Defaulted<string>;
  category: Defaulted<string>;
  forward: Flag;
  uri: Optional<string>;
  action_taken_at: Optional<Timestamp>;
  created_at: Timestamp;
}

export interface ListsTable {
  id: string;
  account_id: string;
  title: string;
  replies_policy: Defaulted<"followed" | "list" | "none">;
  exclusive: Flag;
  created_at: Timestamp;
}

export interface ListAccountsTable {
  list_id: string;
  account_id: string;
}

export interface FiltersTable {
  id: string;
  account_id: string;
  title: string;
  /** JSON array of home, notifications, public, thread, account. */
  context_json: string;
  action: Defaulted<"warn" | "hide" | "blur">;
  expires_at: Optional<Timestamp>;
  created_at: Timestamp;
}

export interface FilterKeywordsTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: Flag;
}

export interface FilterStatusesTable {
  id: string;
  filter_id: string;
  status_id: string;
}

export interface MarkersTable {
  account_id: string;
  timeline: "home" | "notifications";
  last_read_id: string;
  version: Defaulted<number>;
  updated_at: Timestamp;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  status_id: string;
  created_at: Timestamp;
}

export interface ScheduledStatusesTable {
  id: string;
  account_id: string;
  scheduled_at: Timestamp;
  params_json: string;
  application_id: Optional<string>;
  created_at: Timestamp;
}

export interface AccountConversationsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  last_status_id: Optional<string>;
  participant_account_ids_json: Defaulted<string>;
  unread: Flag;
  updated_at: Timestamp;
}

export interface PreviewCardsTable {
  id: string;
  /** The link as statuses have it (before redirects): the key a second status finds the card by. */
  url: string;
  /** core/statuses/preview-cards.ts's StoredPreviewCard; api/entities/preview-card.ts makes Mastodon's PreviewCard of it. */
  card_json: string;
  fetched_at: Timestamp;
}

export interface StatusPreviewCardsTable {
  status_id: string;
  preview_card_id: string;
}

export interface PushSubscriptionsTable {
  id: string;
  access_token_id: string;
  account_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** 1: RFC 8291 aes128gcm; 0: the older aesgcm draft that Mastodon apps before 4.4 expect. */
  standard: Flag;
  /** The access token in clear: Mastodon's push payload carries it, and apps match accounts by it. */
  access_token: string;
  alerts_json: string;
  policy: Defaulted<"all" | "followed" | "follower" | "none">;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface PeerHostsTable {
  host: string;
  last_success_at: Optional<Timestamp>;
  last_failure_at: Optional<Timestamp>;
  failing_since: Optional<Timestamp>;
  consecutive_failures: Defaulted<number>;
}

/** FTS5 over statuses' visible text (spoiler, content as text, media descriptions). */
export interface StatusSearchTable {
  status_id: string;
  body: string;
}

/** A local account's private note about another account. */
export interface AccountNotesTable {
  account_id: string;
  target_account_id: string;
  comment: string;
  updated_at: Timestamp;
}

/** An account a local account features on its profile. */
export interface AccountEndorsementsTable {
  id: string;
  account_id: string;
  target_account_id: string;
  created_at: Timestamp;
}

/** A profile's numbers, kept exact by triggers on statuses and follows (db/migration-parts/account-stats-table.ts); never written by code. */
type TriggerKept<T> = ColumnType<T, never, never>;
export interface AccountStatsTable {
  account_id: TriggerKept<string>;
  statuses_count: TriggerKept<number>;
  last_status_id: TriggerKept<string | null>;
  followers_count: TriggerKept<number>;
  following_count: TriggerKept<number>;
  follow_requests_count: TriggerKept<number>;
}

export interface DatabaseSchema {
  instance: InstanceTable;
  accounts: AccountsTable;
  local_users: LocalUsersTable;
  oauth_applications: OAuthApplicationsTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_authorization_codes: OAuthAuthorizationCodesTable;
  follows: FollowsTable;
  tunnel_settings: TunnelSettingsTable;
  conversations: ConversationsTable;
  statuses: StatusesTable;
  status_edits: StatusEditsTable;
  media_attachments: MediaAttachmentsTable;
  mentions: MentionsTable;
  tags: TagsTable;
  status_tags: StatusTagsTable;
  tag_follows: TagFollowsTable;
  custom_emojis: CustomEmojisTable;
  favourites: FavouritesTable;
  bookmarks: BookmarksTable;
  status_pins: StatusPinsTable;
  reactions: ReactionsTable;
  conversation_mutes: ConversationMutesTable;
  polls: PollsTable;
  poll_votes: PollVotesTable;
  notifications: NotificationsTable;
  home_feed: HomeFeedTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  account_domain_blocks: AccountDomainBlocksTable;
  instance_domain_blocks: InstanceDomainBlocksTable;
  reports: ReportsTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  filters: FiltersTable;
  filter_keywords: FilterKeywordsTable;
  filter_statuses: FilterStatusesTable;
  markers: MarkersTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_statuses: ScheduledStatusesTable;
  account_conversations: AccountConversationsTable;
  preview_cards: PreviewCardsTable;
  status_preview_cards: StatusPreviewCardsTable;
  push_subscriptions: PushSubscriptionsTable;
  instance_settings: InstanceSettingsTable;
  peer_hosts: PeerHostsTable;
  status_search: StatusSearchTable;
  account_notes: AccountNotesTable;
  account_endorsements: AccountEndorsementsTable;
  account_stats: AccountStatsTable;
}
