import type { ColumnType, Generated } from "kysely";

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

export interface DatabaseSchema {
  instance: InstanceTable;
  accounts: AccountsTable;
  local_users: LocalUsersTable;
  oauth_applications: OAuthApplicationsTable;
  oauth_access_tokens: OAuthAccessTokensTable;
}

export type { Generated };
