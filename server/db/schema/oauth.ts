/** OAuth: the applications clients register, authorization codes and access tokens. */
import type { Timestamp } from "./columns.ts";

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
