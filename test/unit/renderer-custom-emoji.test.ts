import { describe, expect, it } from "vitest";
import type { CustomEmoji } from "../../renderer/src/api/entities.ts";
import { emojiImageUrl, splitCustomEmoji } from "../../renderer/src/text/custom-emoji.ts";

const blobhaj: CustomEmoji = { shortcode: "blobhaj", url: "https://fish.example/emoji/blobhaj.gif", static_url: "https://fish.example/emoji/blobhaj.png" };
const wave: CustomEmoji = { shortcode: "wave_2", url: "https://fish.example/emoji/wave.png", static_url: "https://fish.example/emoji/wave.png" };

describe("custom emoji in text", () => {
  it("turns only the shortcodes the status lists into pictures, keeping the words around them", () => {
    expect(splitCustomEmoji("hi :blobhaj: and :unknown: too", [blobhaj])).toEqual([
      { kind: "text", text: "hi " },
      { kind: "emoji", emoji: blobhaj },
      { kind: "text", text: " and :unknown: too" },
    ]);
  });

  it("finds shortcodes side by side and after a colon that is only punctuation", () => {
    expect(splitCustomEmoji(":blobhaj::wave_2:", [blobhaj, wave])).toEqual([
      { kind: "emoji", emoji: blobhaj },
      { kind: "emoji", emoji: wave },
    ]);
    expect(splitCustomEmoji("at 12:30:wave_2:!", [wave])).toEqual([
      { kind: "text", text: "at 12:30" },
      { kind: "emoji", emoji: wave },
      { kind: "text", text: "!" },
    ]);
  });

  it("leaves text alone without emoji, with an unclosed shortcode, or with a picture that is not http(s)", () => {
    expect(splitCustomEmoji("plain :blobhaj: text", [])).toEqual([{ kind: "text", text: "plain :blobhaj: text" }]);
    expect(splitCustomEmoji("open :blobhaj", [blobhaj])).toEqual([{ kind: "text", text: "open :blobhaj" }]);
    const hostile = { ...blobhaj, url: "javascript:alert(1)" };
    expect(splitCustomEmoji(":blobhaj:", [hostile])).toEqual([{ kind: "text", text: ":blobhaj:" }]);
    expect(splitCustomEmoji("", [blobhaj])).toEqual([]);
  });

  it("shows the still picture to readers who asked for less motion", () => {
    expect(emojiImageUrl(blobhaj, false)).toBe(blobhaj.url);
    expect(emojiImageUrl(blobhaj, true)).toBe(blobhaj.static_url);
    expect(emojiImageUrl({ ...blobhaj, static_url: "" }, true)).toBe(blobhaj.url);
  });
});
