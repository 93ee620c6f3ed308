import { describe, expect, it } from "vitest";
import { Invalid } from "../../server/core/errors.ts";
import { hasOperators, MAX_CLAUSES, parseSearchQuery, plainWords } from "../../server/core/search/search-query.ts";

describe("the search box's grammar (Mastodon's search operators)", () => {
  it("reads words, phrases and exclusions", () => {
    const query = parseSearchQuery('tea +party "mad hatter" -rabbit -"white queen"');
    expect(query.include).toEqual([
      { text: "tea", isPhrase: false },
      { text: "party", isPhrase: false },
      { text: "mad hatter", isPhrase: true },
    ]);
    expect(query.exclude).toEqual([
      { text: "rabbit", isPhrase: false },
      { text: "white queen", isPhrase: true },
    ]);
    expect(query.scope).toBe("all");
  });

  it("reads every operator, negated or not, case-insensitively by name", () => {
    const query = parseSearchQuery("FROM:me from:@Bea@Example.com -from:cid has:media -has:poll is:reply -is:sensitive language:en-GB during:2024-02-29 before:2024-03-01 -after:2023-12-31 in:library");
    expect(query.from).toEqual([
      { value: "me", isNegated: false },
      { value: "bea@example.com", isNegated: false },
      { value: "cid", isNegated: true },
    ]);
    expect(query.properties).toEqual([
      { value: "media", isNegated: false },
      { value: "poll", isNegated: true },
      { value: "reply", isNegated: false },
      { value: "sensitive", isNegated: true },
    ]);
    expect(query.languages).toEqual([{ value: "en", isNegated: false }]);
    expect(query.dates).toEqual([
      { kind: "during", day: "2024-02-29", isNegated: false },
      { kind: "before", day: "2024-03-01", isNegated: false },
      { kind: "after", day: "2023-12-31", isNegated: true },
    ]);
    expect(query.scope).toBe("library");
    expect(query.include).toEqual([]);
    expect(hasOperators(query)).toBe(true);
  });

  it("takes an unknown prefix, a bare prefix and a URL-like word as words", () => {
    const query = parseSearchQuery("foo:bar from: https://example.com/x -");
    expect(query.include.map((text) => text.text)).toEqual(["foo:bar", "from:", "https://example.com/x"]);
    expect(query.from).toEqual([]);
    expect(hasOperators(parseSearchQuery("just some words"))).toBe(false);
    expect(plainWords(parseSearchQuery("from:me cats has:media dogs"))).toBe("cats dogs");
  });

  it("takes an unmatched quote as an ordinary character, and drops text without a letter or digit", () => {
    expect(parseSearchQuery('say "hello world').include.map((text) => text.text)).toEqual(["say", '"hello', "world"]);
    expect(parseSearchQuery('"" "   " - + -- " ,.;').include).toEqual([]);
    expect(parseSearchQuery('a"b c"d').include.map((text) => text.text)).toEqual(['a"b', 'c"d']);
  });

  it("refuses a value an operator cannot take, with a sentence that says what it takes", () => {
    expect(() => parseSearchQuery("before:yesterday")).toThrow(Invalid);
    expect(() => parseSearchQuery("before:yesterday")).toThrow(/before: takes a day as YYYY-MM-DD/);
    expect(() => parseSearchQuery("during:2023-02-29")).toThrow(/not "2023-02-29"/);
    expect(() => parseSearchQuery("has:kittens")).toThrow(/has: takes one of media, image/);
    expect(() => parseSearchQuery("in:everywhere")).toThrow(/in: takes one of all, library, public/);
    // Positive controls beside them.
    expect(parseSearchQuery("during:2024-02-29 has:video in:public").scope).toBe("public");
  });

  it("reads very long or hostile input in time proportional to its length", () => {
    const long = "x".repeat(200_000);
    expect(parseSearchQuery(long).include).toEqual([{ text: long, isPhrase: false }]);
    const quotes = '"'.repeat(100_001);
    expect(parseSearchQuery(quotes).include).toEqual([]);
    const colons = `from${":".repeat(100_000)}`;
    expect(parseSearchQuery(colons).include).toEqual([]);
    // Many short tokens before one colon: each token looks for its colon within itself.
    const manyShort = `${"a ".repeat(100_000)}from:me`;
    expect(() => parseSearchQuery(manyShort)).toThrow(/this one has 100001/);
    const words = Array.from({ length: MAX_CLAUSES }, (_, index) => `w${index}`).join(" ");
    expect(parseSearchQuery(words).include).toHaveLength(MAX_CLAUSES);
    expect(() => parseSearchQuery(`${words} one-more`)).toThrow(/at most 32 words and operators; this one has 33/);
  });
});
