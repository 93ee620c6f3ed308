/**
 * Statuses and what belongs to them: edits, mentions, tags, polls, preview cards, the search index,
 * scheduled statuses and the Idempotency-Keys of posting.
 */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

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
  /** The id an imported status had on the server it was written on (`hearth import`); null otherwise. */
  import_uri: Optional<string>;
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

/** FTS5 over statuses' visible text (spoiler, content as text, media descriptions). */
export interface StatusSearchTable {
  status_id: string;
  body: string;
}

/** FTS5 trigrams of the same text (contentless: body reads as null); its rowid is the status id as a number. */
export interface StatusSearchTrigramTable {
  body: string;
}
