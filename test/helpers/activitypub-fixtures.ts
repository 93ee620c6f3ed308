import { readFileSync } from "node:fs";
import { preloadedContexts, type DocumentLoader } from "@fedify/fedify";
import type { AccountRow } from "../../server/core/rows.ts";

const LITEPUB_CONTEXT = "https://pleroma.example/schemas/litepub-0.1.jsonld";

/** A fixture from test/fixtures/activitypub, parsed. */
export function activityPubFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/activitypub/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/** Unit tests have no network: Fedify's preloaded contexts, plus Pleroma's litepub context from a fixture. */
export const offlineLoader: DocumentLoader = async (url) => {
  const document = url === LITEPUB_CONTEXT ? activityPubFixture("litepub-0.1.jsonld") : preloadedContexts[url];
  if (document === undefined) throw new Error(`Unit tests do not fetch ${url}.`);
  return { contextUrl: null, documentUrl: url, document };
};

const FIXED_TIME = "2024-10-20T00:00:00.000Z";

/** An account row for converter tests: remote (with a domain) unless its uri is on `localOrigin`. */
export function accountRow(id: string, uri: string, followersUrl: string | null = `${uri}/followers`, localOrigin?: string): AccountRow {
  const url = new URL(uri);
  const isLocal = localOrigin !== undefined && url.origin === localOrigin;
  return {
    id,
    username: url.pathname.split("/").at(-1) ?? "someone",
    domain: isLocal ? null : url.host,
    display_name: "",
    note: "",
    note_source: "",
    fields_json: "[]",
    is_locked: 0,
    is_bot: 0,
    is_discoverable: 0,
    is_indexable: 0,
    avatar_file: null,
    header_file: null,
    uri: isLocal ? null : uri,
    url: isLocal ? null : uri,
    created_at: FIXED_TIME,
    updated_at: FIXED_TIME,
    actor_type: isLocal ? null : "Person",
    inbox_url: isLocal ? null : `${uri}/inbox`,
    shared_inbox_url: null,
    outbox_url: null,
    followers_url: isLocal ? null : followersUrl,
    following_url: null,
    featured_url: null,
    public_key_id: null,
    avatar_remote_url: null,
    header_remote_url: null,
    moved_to_uri: null,
    also_known_as_json: "[]",
    fetched_at: isLocal ? null : FIXED_TIME,
    suspended_at: null,
    silenced_at: null,
    sensitized_at: null,
    sign_in_disabled_at: null,
    deleted_at: null,
  };
}
