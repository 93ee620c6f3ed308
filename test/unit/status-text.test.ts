import { describe, expect, it } from "vitest";
import { countStatusCharacters, renderStatusText, tokenizeStatusText, type MentionTarget } from "../../server/core/statuses/status-text.ts";

const ORIGIN = "https://hearth.example";
const noMentions = new Map<string, MentionTarget>();

describe("status text as Mastodon formats it", () => {
  it("makes paragraphs at blank lines and line breaks at single ones, escaping everything typed", () => {
    expect(renderStatusText("Hello <b>world</b> & \"friends\"\nsecond line\n\n\nnew paragraph", { origin: ORIGIN, mentions: noMentions })).toBe(
      "<p>Hello &lt;b&gt;world&lt;/b&gt; &amp; &quot;friends&quot;<br />second line</p><p>new paragraph</p>",
    );
    expect(renderStatusText("  \n ", { origin: ORIGIN, mentions: noMentions })).toBe("");
    expect(renderStatusText("windows\r\nline", { origin: ORIGIN, mentions: noMentions })).toBe("<p>windows<br />line</p>");
  });

  it("links http and https addresses, hiding the scheme and the middle of long ones", () => {
    expect(renderStatusText("see https://example.com/a.", { origin: ORIGIN, mentions: noMentions })).toBe(
      '<p>see <a href="https://example.com/a" target="_blank" rel="nofollow noopener noreferrer" translate="no">' +
        '<span class="invisible">https://</span><span class="">example.com/a</span><span class="invisible"></span></a>.</p>',
    );
    const long = "https://www.example.com/a/very/long/path/that/goes/on?and=on";
    const html = renderStatusText(long, { origin: ORIGIN, mentions: noMentions });
    expect(html).toContain('<span class="invisible">https://www.</span><span class="ellipsis">example.com/a/very/long/path/t</span><span class="invisible">hat/goes/on?and=on</span>');
    // Bare domains and other schemes stay text, as Mastodon leaves them.
    expect(renderStatusText("example.com javascript:alert(1)", { origin: ORIGIN, mentions: noMentions })).toBe("<p>example.com javascript:alert(1)</p>");
    // Quotes in a URL cannot break out of the attribute.
    expect(renderStatusText('https://example.com/"onmouseover="x', { origin: ORIGIN, mentions: noMentions })).not.toContain('"onmouseover');
  });

  it("links mentions it was given accounts for and leaves the others as text", () => {
    const mentions = new Map<string, MentionTarget>([
      ["bob", { username: "bob", url: `${ORIGIN}/@bob` }],
      ["carol@social.example", { username: "carol", url: "https://social.example/@carol" }],
    ]);
    expect(renderStatusText("hi @bob, @carol@social.example and @nobody@nowhere.example", { origin: ORIGIN, mentions })).toBe(
      `<p>hi <span class="h-card" translate="no"><a href="${ORIGIN}/@bob" class="u-url mention">@<span>bob</span></a></span>, ` +
        '<span class="h-card" translate="no"><a href="https://social.example/@carol" class="u-url mention">@<span>carol</span></a></span> ' +
        "and @nobody@nowhere.example</p>",
    );
  });

  it("links hashtags to this instance's tag pages under their lower-cased name", () => {
    expect(renderStatusText("#Hearth and #日本語 but not #123 or a#b", { origin: ORIGIN, mentions: noMentions })).toBe(
      `<p><a href="${ORIGIN}/tags/hearth" class="mention hashtag" rel="tag">#<span>Hearth</span></a> and ` +
        `<a href="${ORIGIN}/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E" class="mention hashtag" rel="tag">#<span>日本語</span></a> but not #123 or a#b</p>`,
    );
  });

  it("finds mentions with ports (instances on loopback) but not e-mail addresses", () => {
    const kinds = tokenizeStatusText("@bob@127.0.0.1:8331 mail me@example.com").filter((token) => token.type === "mention");
    expect(kinds).toEqual([{ type: "mention", value: "bob@127.0.0.1:8331", username: "bob", domain: "127.0.0.1:8331" }]);
    // A URL's fragment is not a hashtag, nor its @ a mention.
    expect(tokenizeStatusText("https://example.com/@bob#top").map((token) => token.type)).toEqual(["url"]);
  });

  it("counts links as 23 characters, remote mentions without their domain, and emoji as one", () => {
    expect(countStatusCharacters("abc")).toBe(3);
    expect(countStatusCharacters(`https://example.com/${"x".repeat(200)}`)).toBe(23);
    expect(countStatusCharacters("@carol@a-very-long-domain-name.example hi")).toBe("@carol hi".length);
    expect(countStatusCharacters("👩‍👩‍👧‍👦")).toBe(1);
  });
});
