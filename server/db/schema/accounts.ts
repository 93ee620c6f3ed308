/** Accounts, local and remote; the local users behind ours; and what hangs off a profile. */
import type { ColumnType } from "kysely";
import type { Flag, Optional, Timestamp } from "./columns.ts";

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
  // What moderators decided (0016): each the time it was decided, null when it does not hold.
  suspended_at: Optional<Timestamp>;
  /** Limited: hidden from public timelines and from whoever does not follow the account. */
  silenced_at: Optional<Timestamp>;
  /** Every status with media is shown as sensitive. */
  sensitized_at: Optional<Timestamp>;
  /** Local accounts: signing in refused, tokens revoked (Mastodon's users.disabled). */
  sign_in_disabled_at: Optional<Timestamp>;
  /** Local accounts: deleted; the row keeps the username reserved and the key that signs its Delete. */
  deleted_at: Optional<Timestamp>;
}

/** Owner: everything. Moderator: reports, blocks, suspensions. Member: their own account. */
export type LocalUserRole = "owner" | "moderator" | "member";

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
  /** The invite the member signed up with (0016); null for the owner and those added otherwise. */
  invite_id: Optional<string>;
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

/** A column that only the database's triggers write. */
type TriggerKept<T> = ColumnType<T, never, never>;

/** A profile's numbers, kept exact by triggers on statuses and follows (db/migrations/0006-account-stats.ts); never written by code. */
export interface AccountStatsTable {
  account_id: TriggerKept<string>;
  statuses_count: TriggerKept<number>;
  last_status_id: TriggerKept<string | null>;
  followers_count: TriggerKept<number>;
  following_count: TriggerKept<number>;
  follow_requests_count: TriggerKept<number>;
}

/** A local account's move to another account (0015); kept after the move is undone, for the cooldown. */
export interface AccountMigrationsTable {
  id: string;
  account_id: string;
  target_uri: string;
  created_at: Timestamp;
}
