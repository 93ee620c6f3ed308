import { describe, expect, it } from "vitest";
import { keywordPattern } from "../../server/core/filters/filter-matching.ts";
import { normaliseDomain } from "../../server/core/relationships/domain-blocks.ts";

describe("filter keywords, matched as Mastodon matches them", () => {
  it("matches whole words only at word boundaries, in any case", () => {
    const pattern = keywordPattern("cat", true);
    expect(pattern.test("A Cat sat")).toBe(true);
    expect(pattern.test("concatenate")).toBe(false);
    expect(pattern.test("cat.")).toBe(true);
  });

  it("matches anywhere when not whole-word, and keeps punctuation at the edges literal", () => {
    expect(keywordPattern("cat", false).test("concatenate")).toBe(true);
    // No boundary is asked where the keyword's edge is not a word character.
    expect(keywordPattern("#tea", true).test("time for #tea!")).toBe(true);
    expect(keywordPattern("c++", true).test("I like c++ a lot")).toBe(true);
    expect(keywordPattern("a.b", false).test("axb")).toBe(false);
  });

  it("treats words in other scripts as words", () => {
    expect(keywordPattern("über", true).test("Das ist Über alles")).toBe(true);
    expect(keywordPattern("über", true).test("darüber")).toBe(false);
  });
});

describe("domains as blocks store them", () => {
  it("keeps the host (with its port), lower-cased, from a name or a URL", () => {
    expect(normaliseDomain("Social.Example")).toBe("social.example");
    expect(normaliseDomain("https://social.example/@someone")).toBe("social.example");
    expect(normaliseDomain("127.0.0.1:8331")).toBe("127.0.0.1:8331");
    expect(normaliseDomain("bücher.example")).toBe("xn--bcher-kva.example");
  });

  it("refuses what is not a domain", () => {
    for (const input of ["", "not a domain", "nodots", "user:pass@host.example"]) expect(() => normaliseDomain(input), input).toThrow(/is not a domain/);
  });
});
