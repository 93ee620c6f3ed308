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

export interface DatabaseSchema {
  instance: InstanceTable;
  accounts: AccountsTable;
  local_users: LocalUsersTable;
  oauth_applications: OAuthApplicationsTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_authorization_codes: OAuthAuthorizationCodesTable;
  follows: FollowsTable;
  tunnel_settings: TunnelSettingsTable;
}
