import { redirectUrisOf } from "../../core/auth/applications.ts";
import type { ApplicationRow } from "../../core/rows.ts";

/** Mastodon's Application entity; the secret only at registration, the one time it exists in clear. */
export interface MastodonApplication {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  redirect_uri: string;
  redirect_uris: string[];
  vapid_key: string;
  client_id?: string;
  client_secret?: string;
  client_secret_expires_at?: number;
}

export function toApplication(row: ApplicationRow, vapidKey: string): MastodonApplication {
  const redirectUris = redirectUrisOf(row);
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    scopes: row.scopes.split(" "),
    redirect_uri: redirectUris.join("\n"),
    redirect_uris: redirectUris,
    vapid_key: vapidKey,
  };
}

export function toCredentialApplication(row: ApplicationRow, clientSecret: string, vapidKey: string): MastodonApplication {
  return { ...toApplication(row, vapidKey), client_id: row.client_id, client_secret: clientSecret, client_secret_expires_at: 0 };
}
