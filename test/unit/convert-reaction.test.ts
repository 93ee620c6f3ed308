import { Object as ApObject, type Activity } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { reactionOf } from "../../server/federation/convert/reaction.ts";
import { activityPubFixture, offlineLoader } from "../helpers/activitypub-fixtures.ts";

async function reaction(raw: Record<string, unknown>) {
  const activity = (await ApObject.fromJsonLd(raw, { documentLoader: offlineLoader, contextLoader: offlineLoader })) as Activity;
  return reactionOf(activity, raw, offlineLoader);
}

describe("reactionOf: emoji reactions in the shapes peers send", () => {
  it("reads a Pleroma EmojiReact with a unicode emoji", async () => {
    expect(await reaction(activityPubFixture("pleroma-emoji-react.json"))).toEqual({ name: "🔥", emoji: null });
  });

  it("reads a Pleroma EmojiReact with a custom emoji from its Emoji tag", async () => {
    expect(await reaction(activityPubFixture("pleroma-emoji-react-custom.json"))).toEqual({
      name: "pleroma_love",
      emoji: { shortcode: "pleroma_love", imageUrl: "https://pleroma.example/emoji/pleroma_love.png", uri: "https://pleroma.example/emoji/pleroma_love.png" },
    });
  });

  it("reads a Misskey Like whose _misskey_reaction is a custom emoji", async () => {
    expect(await reaction(activityPubFixture("misskey-like-reaction.json"))).toEqual({
      name: "blobcat",
      emoji: { shortcode: "blobcat", imageUrl: "https://misskey.example/files/blobcat.png", uri: "https://misskey.example/emojis/blobcat" },
    });
  });

  it("keeps a plain Like, and Misskey's heart, as favourites (no reaction)", async () => {
    const like = activityPubFixture("misskey-like-reaction.json");
    const { _misskey_reaction: _reaction, content: _content, tag: _tag, ...plain } = like;
    expect(await reaction(plain)).toBeNull();
    expect(await reaction({ ...like, _misskey_reaction: "❤", content: "❤" })).toBeNull();
    expect(await reaction({ ...like, _misskey_reaction: "👍", content: "👍" })).toEqual({ name: "👍", emoji: null });
  });

  it("refuses free text and a custom emoji without its image", async () => {
    const react = activityPubFixture("pleroma-emoji-react.json");
    expect(await reaction({ ...react, content: "<script>alert(1)</script>" })).toBeNull();
    expect(await reaction({ ...react, content: ":unknown_emoji:" })).toBeNull();
  });
});
