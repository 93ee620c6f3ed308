import { describe, expect, it } from "vitest";
import { countableText, countCharacters, graphemeLength } from "../../renderer/src/text/character-count.ts";

describe("the compose box's character counter, counted as Mastodon counts", () => {
  it("counts plain text by what a reader sees as characters", () => {
    expect(countCharacters("hello", "")).toBe(5);
    expect(graphemeLength("👍🏽")).toBe(1);
    expect(graphemeLength("👨‍👩‍👧")).toBe(1);
    expect(countCharacters("é", "")).toBe(1);
  });

  it("counts every link as 23 characters, however long", () => {
    const long = "https://example.com/a/very/long/path/that/goes/on/and/on?with=query&and=more";
    expect(countCharacters(`read ${long}`, "")).toBe(5 + 23);
    expect(countCharacters("http://x.y", "")).toBe(23);
    expect(countCharacters(`${long}.`, "")).toBe(23 + 1);
    expect(countCharacters("see https://a.example and https://b.example/x", "", 10)).toBe(4 + 10 + 5 + 10);
  });

  it("counts a remote mention by its @username alone", () => {
    expect(countableText("hi @alice@social.example!", 23)).toBe("hi @alice!");
    expect(countCharacters("@bob@very-long-domain-name.example.org hello", "")).toBe("@bob hello".length);
    expect(countCharacters("mail me at someone@example.com", "")).toBe("mail me at someone@example.com".length);
  });

  it("adds the content warning to the count", () => {
    expect(countCharacters("body", "spoilers")).toBe(12);
  });
});
