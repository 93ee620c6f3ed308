import { Object as ApObject } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { REMOTE_STATUS_LIMITS } from "../../server/core/statuses/remote-status-record.ts";
import { noteToStatusRecord, type NoteConversionOptions } from "../../server/federation/convert/note-to-status-record.ts";
import { accountRow, activityPubFixture, offlineLoader } from "../helpers/activitypub-fixtures.ts";
import type { AccountRow } from "../../server/core/rows.ts";

const NOW = new Date("2024-10-20T00:00:00.000Z");

const account = (id: string, uri: string, followersUrl?: string | null) => accountRow(id, uri, followersUrl);

const alice = account("1", "https://mastodon.example/users/alice");
const carol = account("2", "https://misskey.example/users/9kq4xp2b3c");
const dan = account("3", "https://gts.example/users/dan");
const lain = account("4", "https://pleroma.example/users/lain");
const ed = account("5", "https://write.example/api/collections/ed");
const owner = { ...account("10", "https://hearth.example/users/owner"), domain: null };
const bob = account("11", "https://elsewhere.example/users/bob");
const kim = account("12", "https://snac.example/kim");

/** Mentions resolve from this little directory; anything else is unknown (as an actor that does not answer). */
const directory = new Map([owner, bob].map((row) => [row.uri ?? "", row]));

async function convert(name: string, author: AccountRow, overrides: Partial<NoteConversionOptions> = {}) {
  const raw = activityPubFixture(name);
  const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
  const resolved: string[] = [];
  const conversion = await noteToStatusRecord(object, {
    author,
    raw,
    contextLoader: offlineLoader,
    now: NOW,
    resolveMention: async (href) => {
      resolved.push(href.href);
      return directory.get(href.href) ?? null;
    },
    knownAccount: async (uri) => directory.get(uri.href) ?? null,
    ...overrides,
  });
  return { conversion, resolved };
}

async function record(name: string, author: AccountRow) {
  const { conversion } = await convert(name, author);
  if (!conversion.ok) throw new Error(`${name} was refused: ${conversion.reason}`);
  return conversion.record;
}

describe("noteToStatusRecord: Mastodon", () => {
  it("reads a public reply with a content warning, mentions, a hashtag, custom emoji and an image", async () => {
    const status = await record("mastodon-note.json", alice);
    expect(status).toMatchObject({
      uri: "https://mastodon.example/users/alice/statuses/113300000000000001",
      url: "https://mastodon.example/@alice/113300000000000001",
      accountId: alice.id,
      visibility: "public",
      spoilerText: "Spoilers: the garden",
      sensitive: true,
      language: "en",
      createdAt: "2024-10-14T09:30:00.000Z",
      editedAt: "2024-10-14T10:00:00.000Z",
      inReplyToUri: "https://hearth.example/users/owner/statuses/100000000000000001",
      quoteUri: null,
      conversationUri: "https://mastodon.example/contexts/1234",
      mentionedAccountIds: [owner.id, bob.id],
      silentMentionAccountIds: [],
      tagNames: ["Gardening"],
      emojis: [
        {
          shortcode: "blobcat",
          imageUrl: "https://files.mastodon.example/custom_emojis/images/000/000/042/original/blobcat.png",
          uri: "https://mastodon.example/emojis/42",
        },
      ],
      poll: null,
    });
    expect(status.content).toContain('class="u-url mention"');
    expect(status.content).toContain('rel="nofollow noopener noreferrer"');
    expect(status.media).toEqual([
      {
        remoteUrl: "https://files.mastodon.example/media_attachments/files/113/300/000/original/garden.jpg",
        type: "image",
        contentType: "image/jpeg",
        description: "A bare garden bed under the first frost",
        blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
        focus: { x: -0.55, y: 0.43 },
        width: 1600,
        height: 1200,
      },
    ]);
  });

  it("reads a poll (oneOf) with each option's count, the voters and the end time", async () => {
    const status = await record("mastodon-note-with-poll.json", alice);
    expect(status.poll).toEqual({
      options: ["Leeks", "Beans", "Squash"],
      tallies: [4, 2, 1],
      multiple: false,
      votersCount: 7,
      expiresAt: "2024-10-15T11:00:00.000Z",
      closedAt: null,
    });
    expect(status.spoilerText).toBe("");
  });

  it("takes visibility from to/cc as Mastodon does: Public in cc is unlisted, followers in to is private, else direct", async () => {
    expect((await record("mastodon-note-unlisted.json", alice)).visibility).toBe("unlisted");
    expect((await record("mastodon-note-followers-only.json", alice)).visibility).toBe("private");
    const direct = await record("mastodon-direct-message.json", alice);
    expect(direct.visibility).toBe("direct");
    expect(direct.mentionedAccountIds).toEqual([owner.id]);
  });

  it("gives a silent mention to an addressee who is not tagged, so a direct message still reaches them", async () => {
    const raw = activityPubFixture("mastodon-direct-message.json");
    raw.tag = [];
    const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
    const conversion = await noteToStatusRecord(object, {
      author: alice,
      raw,
      now: NOW,
      contextLoader: offlineLoader,
      resolveMention: async () => null,
      knownAccount: async (uri) => directory.get(uri.href) ?? null,
    });
    expect(conversion.ok && conversion.record.mentionedAccountIds).toEqual([]);
    expect(conversion.ok && conversion.record.silentMentionAccountIds).toEqual([owner.id]);
  });

  it("refuses an object not attributed to the account that sent it", async () => {
    const { conversion } = await convert("mastodon-note.json", bob);
    expect(conversion).toEqual({ ok: false, reason: expect.stringContaining("not attributed") });
  });
});

describe("noteToStatusRecord: Misskey, GoToSocial, Pleroma, WriteFreely", () => {
  it("reads a Misskey quote (_misskey_quote / quoteUrl) and its hashtag", async () => {
    const status = await record("misskey-quote.json", carol);
    expect(status).toMatchObject({
      uri: "https://misskey.example/notes/9xq1abcdef",
      visibility: "public",
      quoteUri: "https://mastodon.example/users/alice/statuses/113300000000000001",
      tagNames: ["garden"],
      language: null,
      createdAt: "2024-10-14T14:00:00.000Z",
    });
    // Misskey's own url is absent: the id is the page.
    expect(status.url).toBeNull();
  });

  it("reads a closed Misskey multiple-choice poll (anyOf) and its custom emoji", async () => {
    const status = await record("misskey-note-with-multiple-choice-poll.json", carol);
    expect(status.poll).toEqual({
      options: ["Tea", "Coffee"],
      tallies: [5, 3],
      multiple: true,
      votersCount: null,
      expiresAt: "2024-10-13T15:00:00.000Z",
      closedAt: "2024-10-13T15:00:00.000Z",
    });
    expect(status.emojis.map((emoji) => emoji.shortcode)).toEqual(["blobcat"]);
  });

  it("reads GoToSocial attachments: alt text, blurhash, focal point, and the media type from mediaType", async () => {
    const status = await record("gotosocial-note-with-attachment.json", dan);
    expect(status.visibility).toBe("public");
    expect(status.language).toBe("en");
    expect(status.media).toEqual([
      {
        remoteUrl: "https://gts.example/fileserver/01J9ZK/attachment/original/01J9ZM.webp",
        type: "image",
        contentType: "image/webp",
        description: "Rows of kale",
        blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        focus: { x: 0, y: 0.5 },
        width: null,
        height: null,
      },
      {
        remoteUrl: "https://gts.example/fileserver/01J9ZK/attachment/original/01J9ZN.mp4",
        type: "video",
        contentType: "video/mp4",
        description: "A robin on the fence",
        blurhash: null,
        focus: null,
        width: null,
        height: null,
      },
    ]);
  });

  it("sanitises a Pleroma note's HTML (script, onerror, javascript: links) and keeps its content warning", async () => {
    const status = await record("pleroma-note-sensitive.json", lain);
    expect(status.content).not.toMatch(/script|onerror|javascript:|<img/i);
    expect(status.content).toContain("listen");
    expect(status.content).toContain("here");
    expect(status).toMatchObject({ spoilerText: "loud", sensitive: true, visibility: "unlisted", conversationUri: "https://pleroma.example/contexts/5c6b1c2a" });
    // A url given as a list of Links is read from the Link's href.
    expect(status.media).toMatchObject([{ remoteUrl: "https://pleroma.example/media/birdsong.ogg", type: "audio", description: "birdsong.ogg" }]);
  });

  it("converts an Article as Mastodon does: title, summary and a link, no content warning", async () => {
    const status = await record("writefreely-article.json", ed);
    expect(status.content).toBe(
      '<p>Winter sowing</p><p>What to plant under glass</p><p><a href="https://write.example/ed/winter-sowing" rel="nofollow noopener noreferrer" target="_blank">https://write.example/ed/winter-sowing</a></p>',
    );
    expect(status.spoilerText).toBe("");
    expect(status.tagNames).toEqual(["gardening"]);
  });
});

describe("noteToStatusRecord: snac2, whose @context is ActivityStreams' alone", () => {
  const MASTODON_TERMS = { toot: "http://joinmastodon.org/ns#", Emoji: "toot:Emoji", Hashtag: "as:Hashtag" };

  /** The snac2 fixture with its tags (and, for the controls, its @context) replaced. */
  async function snacRecord(change: { tag?: unknown[]; context?: unknown; raw?: "kept" | "lost" }) {
    const raw = { ...activityPubFixture("snac2-note.json") };
    if (change.tag) raw.tag = change.tag;
    if (change.context) raw["@context"] = change.context;
    const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
    const conversion = await noteToStatusRecord(object, {
      author: kim,
      raw: change.raw === "lost" ? null : raw,
      contextLoader: offlineLoader,
      now: NOW,
      resolveMention: async () => null,
    });
    if (!conversion.ok) throw new Error(`refused: ${conversion.reason}`);
    return conversion.record;
  }
  const blob = { shortcode: "blob", imageUrl: "https://snac.example/s/blob.png", uri: null };

  it("reads its Hashtag and Emoji tags from the JSON as it arrived, which the JSON-LD parse drops", async () => {
    expect(await snacRecord({ raw: "lost" })).toMatchObject({ tagNames: [], emojis: [] });
    expect(await snacRecord({})).toMatchObject({ tagNames: ["Tea"], emojis: [blob] });
  });

  it("reads the prefixed type toot:Emoji, an icon whose url is a Link, and an Emoji's http(s) id", async () => {
    const record = await snacRecord({
      tag: [{ type: "toot:Emoji", id: "https://snac.example/s/blob", name: "blob", icon: { type: "Image", url: [{ type: "Link", href: "https://snac.example/s/blob.png" }] } }],
    });
    expect(record.emojis).toEqual([{ ...blob, uri: "https://snac.example/s/blob" }]);
  });

  it("checks raw tags as typed ones: names, Image icons with http(s) URLs, and the bounds", async () => {
    const emoji = (name: unknown, icon: unknown) => ({ type: "Emoji", name, icon });
    const image = (url: unknown) => ({ type: "Image", url });
    const record = await snacRecord({
      tag: [
        { type: "Hashtag", name: "#no spaces" },
        { type: "Hashtag", name: "#123" },
        { type: "Hashtag", name: `#${"a".repeat(101)}` },
        { type: "Hashtag", name: 42 },
        emoji(":x:", image("https://snac.example/s/x.png")),
        emoji(`:${"a".repeat(101)}:`, image("https://snac.example/s/long.png")),
        emoji(":js:", image("javascript:alert(1)")),
        emoji(":data:", image("data:image/png;base64,AAAA")),
        emoji(":notimage:", { type: "Document", url: "https://snac.example/s/doc.png" }),
        emoji(":noicon:", undefined),
        { type: "Hashtag", name: "#Tea" },
        emoji(":blob:", image("https://snac.example/s/blob.png")),
      ],
    });
    expect(record).toMatchObject({ tagNames: ["Tea"], emojis: [blob] });

    const many = await snacRecord({ tag: Array.from({ length: 500 }, (_, i) => ({ type: "Hashtag", name: `#tag${i}` })) });
    expect(many.tagNames.length).toBeGreaterThan(0);
    expect(many.tagNames.length).toBeLessThanOrEqual(REMOTE_STATUS_LIMITS.maxTags);
  });

  it("with Mastodon's terms in the context reads the same tags once, not once typed and again raw", async () => {
    const tag = [
      { type: "Hashtag", name: "#Tea", href: "https://snac.example/?t=tea" },
      { type: "Hashtag", name: "#tea", href: "https://snac.example/?t=tea" },
      { type: "Emoji", name: ":blob:", icon: { type: "Image", url: "https://snac.example/s/blob.png" } },
    ];
    const record = await snacRecord({ tag, context: ["https://www.w3.org/ns/activitystreams", MASTODON_TERMS] });
    expect(record).toMatchObject({ tagNames: ["Tea"], emojis: [blob] });
    // The typed reading alone gives the same: the raw one added nothing.
    expect(await snacRecord({ tag, context: ["https://www.w3.org/ns/activitystreams", MASTODON_TERMS], raw: "lost" })).toMatchObject({ tagNames: ["Tea"], emojis: [blob] });
  });
});

describe("noteToStatusRecord: bounds", () => {
  function note(extra: Record<string, unknown>) {
    return {
      "@context": ["https://www.w3.org/ns/activitystreams", { toot: "http://joinmastodon.org/ns#", Emoji: "toot:Emoji", Hashtag: "as:Hashtag" }],
      id: "https://mastodon.example/users/alice/statuses/999",
      type: "Note",
      attributedTo: alice.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      content: "<p>hi</p>",
      ...extra,
    };
  }

  it("resolves at most 50 of 10,000 mentions", async () => {
    const tag = Array.from({ length: 10_000 }, (_, i) => ({ type: "Mention", href: `https://spam.example/users/u${i}` }));
    const raw = note({ tag });
    const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
    let calls = 0;
    const conversion = await noteToStatusRecord(object, {
      author: alice,
      raw,
      now: NOW,
      contextLoader: offlineLoader,
      resolveMention: async (href) => {
        calls++;
        return account(`m${calls}`, href.href);
      },
    });
    expect(calls).toBe(50);
    expect(conversion.ok && conversion.record.mentionedAccountIds).toHaveLength(50);
  });

  it("refuses a poll with 10,000 options", async () => {
    const oneOf = Array.from({ length: 10_000 }, (_, i) => ({ type: "Note", name: `option ${i}`, replies: { type: "Collection", totalItems: 0 } }));
    const raw = { ...note({ oneOf }), type: "Question" };
    const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
    const conversion = await noteToStatusRecord(object, { author: alice, raw, now: NOW, contextLoader: offlineLoader, resolveMention: async () => null });
    expect(conversion).toEqual({ ok: false, reason: expect.stringContaining("more than 100 options") });
  });

  it("never fetches a tag or attachment given only by URL", async () => {
    const raw = note({ tag: ["https://elsewhere.example/tags/1"], attachment: ["https://elsewhere.example/media/1"] });
    const object = await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader });
    const fetched: string[] = [];
    const conversion = await noteToStatusRecord(object, {
      author: alice,
      raw,
      now: NOW,
      contextLoader: async (url) => {
        fetched.push(url);
        return offlineLoader(url);
      },
      resolveMention: async () => null,
    });
    expect(conversion.ok && conversion.record.media).toEqual([]);
    expect(fetched.filter((url) => url.startsWith("https://elsewhere.example"))).toEqual([]);
  });
});
