import { describe, expect, it } from "vitest";
import type { PreviewSubject } from "../../server/core/statuses/preview-cards.ts";
import { previewLinkOf } from "../../server/link-previews/status-link.ts";
import { isReservedExampleHost } from "../../server/net/outgoing-policy.ts";
import type { StatusRow } from "../../server/core/rows.ts";

const OWN_ORIGIN = "https://hearth.example";
const isOwnUrl = (url: URL) => url.origin === OWN_ORIGIN;

function subject(status: Partial<StatusRow>, mentionUrls: string[] = []): PreviewSubject {
  const row = { id: "1", local: 1, text: null, content: "", reblog_of_id: null, spoiler_text: "", ...status } as StatusRow;
  return { status: row, mentionUrls: new Set(mentionUrls), attachedUrl: undefined };
}

describe("The link a status's preview card is for", () => {
  it("is, for a local status, the first http(s) URL its author typed, past mentions, hashtags and our own pages", () => {
    const text = `@bob@far.example #gardening see ${OWN_ORIGIN}/@alice/1 and then HTTPS://Garden.Example/leeks?x=1, or https://second.example`;
    expect(previewLinkOf(subject({ text }), isOwnUrl)).toBe("https://garden.example/leeks?x=1");
    expect(previewLinkOf(subject({ text: "ftp://files.example/a and gemini://capsule.example" }), isOwnUrl)).toBeUndefined();
    expect(previewLinkOf(subject({ text: "nothing to see" }), isOwnUrl)).toBeUndefined();
  });

  it("is, for a remote status, the first anchor that is not a mention, a hashtag or a quote's RE: link", () => {
    const content = [
      '<p class="quote-inline">RE: <a href="https://far.example/@carol/9"><span class="invisible">https://</span>far.example/@carol/9</a></p>',
      '<p><span class="h-card"><a href="https://far.example/@bob" class="u-url mention">@<span>bob</span></a></span> ',
      '<a href="https://far.example/tags/leeks" class="mention hashtag">#<span>leeks</span></a> ',
      '<a href="https://misskey.example/tags/garlic">#garlic</a> ',
      '<a href="https://far.example/users/dave">dave</a> ',
      '<a href="javascript:alert(1)">click</a> ',
      '<a href="https://news.example/story"><span class="invisible">https://</span>news.example/story</a> ',
      '<a href="https://later.example/">later</a></p>',
    ].join("");
    // dave's profile link is a mention by address, though not marked as one.
    expect(previewLinkOf(subject({ local: 0, content }, ["https://far.example/users/dave"]), isOwnUrl)).toBe("https://news.example/story");
  });

  it("finds nothing in a remote status whose only links are mentions and hashtags", () => {
    const content = '<p><span class="h-card"><a href="https://far.example/@bob" class="u-url mention">@bob</a></span> <a href="https://far.example/tags/x" rel="tag">#x</a></p>';
    expect(previewLinkOf(subject({ local: 0, content }), isOwnUrl)).toBeUndefined();
  });

  it("knows the names reserved for examples and tests, which never get a card", () => {
    for (const host of ["example.com", "www.example.org", "news.example", "hearth.test", "nowhere.invalid", "EXAMPLE.NET."]) {
      expect(isReservedExampleHost(host), host).toBe(true);
    }
    for (const host of ["example.social", "examples.com", "127.0.0.1", "garden.net", "test.de"]) expect(isReservedExampleHost(host), host).toBe(false);
  });
});
