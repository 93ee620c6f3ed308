import { Question, type Note } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import type { Visibility } from "../../server/db/schema.ts";
import type { StatusParts } from "../../server/core/peers/status-parts.ts";
import { statusRowToNote, type LocalAddresses } from "../../server/federation/convert/status-row-to-note.ts";
import { accountRow } from "../helpers/activitypub-fixtures.ts";
import type { StatusRow } from "../../server/core/rows.ts";

const ORIGIN = "https://hearth.example";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const addresses: LocalAddresses = {
  origin: ORIGIN,
  actorUri: (username) => new URL(`/users/${username}`, ORIGIN),
  followersUri: (username) => new URL(`/users/${username}/followers`, ORIGIN),
};

const owner = accountRow("10", `${ORIGIN}/users/owner`, null, ORIGIN);
const alice = accountRow("1", "https://mastodon.example/users/alice");
const bob = accountRow("2", "https://misskey.example/users/bob");

function statusRow(extra: Partial<StatusRow> = {}): StatusRow {
  return {
    id: "113300000000000100",
    account_id: owner.id,
    uri: null,
    url: null,
    local: 1,
    in_reply_to_id: null,
    in_reply_to_uri: null,
    in_reply_to_account_id: null,
    reblog_of_id: null,
    quote_of_id: null,
    quote_uri: null,
    conversation_id: null,
    visibility: "public",
    content: "<p>Hello</p>",
    text: "Hello",
    spoiler_text: "",
    sensitive: 0,
    language: null,
    application_id: null,
    created_at: "2024-10-14T09:30:00.000Z",
    edited_at: null,
    updated_at: "2024-10-14T09:30:00.000Z",
    fetched_at: null,
    import_uri: null,
    ...extra,
  };
}

function parts(extra: Partial<StatusParts> = {}, status: Partial<StatusRow> = {}): StatusParts {
  return {
    status: statusRow(status),
    author: owner,
    mentions: [],
    tags: [],
    emojis: [],
    media: [],
    poll: null,
    inReplyTo: null,
    quote: null,
    reblogOf: null,
    ...extra,
  };
}

type Json = Record<string, unknown>;

async function json(value: Note | Question): Promise<Json> {
  return (await value.toJsonLd()) as Json;
}

const list = (value: unknown) => (value === undefined ? [] : [value].flat());
const isPublic = (uri: unknown) => uri === PUBLIC || uri === "as:Public";

describe("statusRowToNote: our statuses as peers read them", () => {
  it("addresses each visibility exactly as Mastodon does", async () => {
    const mentioned = { mentions: [{ account: alice, silent: false }] };
    const followers = `${ORIGIN}/users/owner/followers`;
    const cases: Array<[Visibility, (to: unknown[], cc: unknown[]) => void]> = [
      ["public", (to, cc) => (expect(to.map(isPublic)).toEqual([true]), expect(cc).toEqual([followers, alice.uri]))],
      ["unlisted", (to, cc) => (expect(to).toEqual([followers]), expect(cc.map((uri) => isPublic(uri) || uri)).toEqual([true, alice.uri]))],
      ["private", (to, cc) => (expect(to).toEqual([followers]), expect(cc).toEqual([alice.uri]))],
      ["direct", (to, cc) => (expect(to).toEqual([alice.uri]), expect(cc).toEqual([]))],
    ];
    for (const [visibility, check] of cases) {
      const note = await json(statusRowToNote(addresses, parts(mentioned, { visibility })));
      check(list(note.to), list(note.cc));
    }
  });

  it("writes id, url, author, content with its language, content warning, edit time, reply, quote and replies", async () => {
    const parent = { status: statusRow({ id: "5", uri: "https://misskey.example/notes/abc", local: 0 }), author: bob };
    const quoted = { status: statusRow({ id: "6", uri: "https://mastodon.example/users/alice/statuses/7", local: 0 }), author: alice };
    const note = await json(
      statusRowToNote(
        addresses,
        parts(
          { inReplyTo: parent, quote: quoted },
          { language: "en", spoiler_text: "spoilers", sensitive: 1, edited_at: "2024-10-14T10:00:00.000Z", content: "<p>Hi</p>" },
        ),
        new URL(`${ORIGIN}/users/owner/statuses/113300000000000100/replies`),
      ),
    );
    expect(note).toMatchObject({
      id: `${ORIGIN}/users/owner/statuses/113300000000000100`,
      type: "Note",
      attributedTo: `${ORIGIN}/users/owner`,
      url: `${ORIGIN}/@owner/113300000000000100`,
      content: "<p>Hi</p>",
      contentMap: { en: "<p>Hi</p>" },
      summary: "spoilers",
      sensitive: true,
      published: "2024-10-14T09:30:00Z",
      updated: "2024-10-14T10:00:00Z",
      inReplyTo: "https://misskey.example/notes/abc",
      quoteUrl: "https://mastodon.example/users/alice/statuses/7",
      _misskey_quote: "https://mastodon.example/users/alice/statuses/7",
      replies: `${ORIGIN}/users/owner/statuses/113300000000000100/replies`,
    });
  });

  it("tags mentions (not silent ones), hashtags and custom emoji; attaches media with alt text", async () => {
    const note = await json(
      statusRowToNote(
        addresses,
        parts({
          mentions: [
            { account: alice, silent: false },
            { account: bob, silent: true },
          ],
          tags: ["Gardening"],
          emojis: [{ id: "9", shortcode: "kale", domain: null, uri: null, image_url: `${ORIGIN}/emoji/kale.png`, file: null, visible_in_picker: 1, category: null, updated_at: "2024-01-01T00:00:00.000Z" }],
          media: [
            {
              id: "20",
              account_id: owner.id,
              status_id: "113300000000000100",
              position: 0,
              type: "image",
              content_type: "image/png",
              file: "attachments/20/original.png",
              thumbnail_file: null,
              remote_url: null,
              thumbnail_remote_url: null,
              scheduled_status_id: null,
              description: "A kale plant",
              blurhash: null,
              focus_x: null,
              focus_y: null,
              meta_json: JSON.stringify({ original: { width: 640, height: 480 } }),
              processing: "done",
              created_at: "2024-10-14T09:00:00.000Z",
              updated_at: "2024-10-14T09:00:00.000Z",
            },
          ],
        }),
      ),
    );
    expect(list(note.tag)).toEqual([
      { type: "Mention", href: alice.uri, name: "@alice@mastodon.example" },
      { type: "Hashtag", href: `${ORIGIN}/tags/gardening`, name: "#Gardening" },
      { id: `${ORIGIN}/emojis/9`, type: "Emoji", name: ":kale:", icon: { type: "Image", url: `${ORIGIN}/emoji/kale.png` }, updated: "2024-01-01T00:00:00Z" },
    ]);
    expect(list(note.attachment)).toEqual([
      { type: "Document", mediaType: "image/png", name: "A kale plant", url: `${ORIGIN}/media/attachments/20/original.png`, width: 640, height: 480 },
    ]);
  });

  it("writes a poll as a Question with its options' counts, voters and end", async () => {
    const poll = {
      row: {
        id: "30",
        status_id: "113300000000000100",
        options_json: JSON.stringify(["Leeks", "Beans"]),
        cached_tallies_json: null,
        voters_count: null,
        multiple: 0,
        hide_totals: 0,
        expires_at: "2024-10-15T09:30:00.000Z",
        closed_at: null,
        created_at: "2024-10-14T09:30:00.000Z",
        updated_at: "2024-10-14T09:30:00.000Z",
      },
      options: ["Leeks", "Beans"],
      tally: { votes: [3, 1], votersCount: 4 },
    };
    const question = statusRowToNote(addresses, parts({ poll }));
    expect(question).toBeInstanceOf(Question);
    const compact = await json(question);
    expect(compact).toMatchObject({ type: "Question", endTime: "2024-10-15T09:30:00Z", votersCount: 4 });
    expect(compact.anyOf).toBeUndefined();
    expect(list(compact.oneOf)).toEqual([
      { type: "Note", name: "Leeks", replies: { type: "Collection", totalItems: 3 } },
      { type: "Note", name: "Beans", replies: { type: "Collection", totalItems: 1 } },
    ]);
    const multiple = await json(statusRowToNote(addresses, parts({ poll: { ...poll, row: { ...poll.row, multiple: 1, closed_at: "2024-10-15T09:30:00.000Z" } } })));
    expect(list(multiple.anyOf)).toHaveLength(2);
    expect(multiple.closed).toBe("2024-10-15T09:30:00Z");
  });
});
