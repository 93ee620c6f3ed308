import { readFileSync } from "node:fs";
import { preloadedContexts, type DocumentLoader } from "@fedify/fedify";
import { Object as ApObject } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { actorToAccountRow } from "../../server/federation/convert/actor-to-account-row.ts";

const LITEPUB_CONTEXT = "https://pleroma.example/schemas/litepub-0.1.jsonld";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/activitypub/${name}`, import.meta.url), "utf8"));
}

/** Unit tests have no network: Fedify's preloaded contexts, plus Pleroma's litepub context from a fixture. */
const offlineLoader: DocumentLoader = async (url) => {
  const document = url === LITEPUB_CONTEXT ? fixture("litepub-0.1.jsonld") : preloadedContexts[url];
  if (document === undefined) throw new Error(`Unit tests do not fetch ${url}.`);
  return { contextUrl: null, documentUrl: url, document };
};

async function convert(name: string, domain?: string) {
  const object = await ApObject.fromJsonLd(fixture(name), { documentLoader: offlineLoader, contextLoader: offlineLoader });
  return actorToAccountRow(object, { domain, documentLoader: offlineLoader, contextLoader: offlineLoader });
}

describe("actorToAccountRow: remote actors as account rows", () => {
  it("reads a Mastodon Person: profile, collections, keys, fields, aliases", async () => {
    const row = await convert("mastodon-person.json");
    expect(row).toMatchObject({
      uri: "https://mastodon.example/users/alice",
      username: "alice",
      domain: "mastodon.example",
      display_name: "Alice 🌻",
      url: "https://mastodon.example/@alice",
      actor_type: "Person",
      is_locked: 0,
      is_bot: 0,
      is_discoverable: 1,
      is_indexable: 1,
      inbox_url: "https://mastodon.example/users/alice/inbox",
      shared_inbox_url: "https://mastodon.example/inbox",
      outbox_url: "https://mastodon.example/users/alice/outbox",
      followers_url: "https://mastodon.example/users/alice/followers",
      following_url: "https://mastodon.example/users/alice/following",
      featured_url: "https://mastodon.example/users/alice/collections/featured",
      public_key_id: "https://mastodon.example/users/alice#main-key",
      avatar_remote_url: "https://files.mastodon.example/accounts/avatars/000/000/001/original/avatar.png",
      header_remote_url: "https://files.mastodon.example/accounts/headers/000/000/001/original/header.jpg",
      moved_to_uri: null,
      published_at: "2022-11-05T00:00:00.000Z",
    });
    expect(JSON.parse(row?.also_known_as_json ?? "")).toEqual(["https://old.example/users/alice"]);
    expect(row?.note).toContain('class="mention hashtag"');
    expect(row?.note).toContain('rel="nofollow noopener noreferrer"');
    const fields = JSON.parse(row?.fields_json ?? "") as Array<{ name: string; value: string }>;
    expect(fields.map((field) => field.name)).toEqual(["Website", "Pronouns"]);
    expect(fields[0]?.value).toContain('<span class="invisible">https://</span>');
    expect(fields[1]?.value).toBe("she/her");
  });

  it("reads a Misskey Person: sharedInbox in endpoints, locked, and the summary sanitised", async () => {
    const row = await convert("misskey-person.json");
    expect(row).toMatchObject({
      uri: "https://misskey.example/users/9kq4xp2b3c",
      username: "carol",
      domain: "misskey.example",
      url: "https://misskey.example/@carol",
      is_locked: 1,
      is_discoverable: 0,
      is_indexable: 0,
      shared_inbox_url: "https://misskey.example/inbox",
      avatar_remote_url: "https://misskey.example/files/avatar-carol.webp",
      published_at: null,
    });
    expect(row?.note).not.toContain("onerror");
    expect(row?.note).not.toContain("<img");
    expect(row?.note).toContain('<a href="https://carol.example" rel="nofollow noopener noreferrer" target="_blank">');
  });

  it("reads a GoToSocial Person and strips script and javascript: links on arrival", async () => {
    const row = await convert("gotosocial-person.json");
    expect(row).toMatchObject({
      username: "dan",
      domain: "gts.example",
      is_locked: 1,
      shared_inbox_url: "https://gts.example/sharedInbox",
      public_key_id: "https://gts.example/users/dan/main-key",
    });
    expect(row?.note).toBe("<p>Hosting my own server. </p>");
    const [site] = JSON.parse(row?.fields_json ?? "") as Array<{ value: string }>;
    expect(site?.value).not.toContain("javascript:");
    expect(site?.value).toContain("click");
  });

  it("reads a Pleroma Service (litepub context) as a bot, with the handle domain WebFinger gave", async () => {
    const row = await convert("pleroma-service.json", "Pleroma.Example");
    expect(row).toMatchObject({
      username: "newsbot",
      domain: "pleroma.example",
      actor_type: "Service",
      is_bot: 1,
      // A display name is plain text: kept as sent, escaped where it is shown.
      display_name: "News <b>Bot</b>",
      shared_inbox_url: "https://pleroma.example/inbox",
    });
    expect(row?.note).toBe("Headlines every hour.<br /><p>Big</p>");
  });

  it("refuses what cannot be an account: no actor type, no inbox, no username", async () => {
    const note = await ApObject.fromJsonLd(
      { "@context": "https://www.w3.org/ns/activitystreams", type: "Note", id: "https://x.example/notes/1", content: "hi" },
      { documentLoader: offlineLoader, contextLoader: offlineLoader },
    );
    expect(await actorToAccountRow(note)).toBeNull();
    const noInbox = await ApObject.fromJsonLd(
      { "@context": "https://www.w3.org/ns/activitystreams", type: "Person", id: "https://x.example/users/a", preferredUsername: "a" },
      { documentLoader: offlineLoader, contextLoader: offlineLoader },
    );
    expect(await actorToAccountRow(noInbox)).toBeNull();
    const noName = await ApObject.fromJsonLd(
      { "@context": "https://www.w3.org/ns/activitystreams", type: "Person", id: "https://x.example/users/b", inbox: "https://x.example/users/b/inbox" },
      { documentLoader: offlineLoader, contextLoader: offlineLoader },
    );
    expect(await actorToAccountRow(noName)).toBeNull();
  });
});
