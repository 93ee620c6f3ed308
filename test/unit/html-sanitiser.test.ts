import { describe, expect, it } from "vitest";
import { sanitiseRemoteHtml } from "../../server/federation/html-sanitiser.ts";

describe("sanitiseRemoteHtml: Mastodon's allowlist for incoming HTML", () => {
  it("keeps what posts are made of: paragraphs, breaks, links, mentions, code, lists", () => {
    const html =
      '<p>Hi <a href="https://a.example/@b" class="u-url mention">@<span>b</span></a><br>see <code>x</code></p><ul><li>one</li></ul><blockquote>q</blockquote>';
    expect(sanitiseRemoteHtml(html)).toBe(
      '<p>Hi <a href="https://a.example/@b" class="u-url mention" rel="nofollow noopener noreferrer" target="_blank">@<span>b</span></a><br />see <code>x</code></p><ul><li>one</li></ul><blockquote>q</blockquote>',
    );
  });

  it("drops scripts, styles, event handlers and embedded content", () => {
    const html = '<p onclick="x()">a<script>alert(1)</script><style>p{}</style><img src="x" onerror="alert(1)"><iframe src="https://e.example"></iframe></p>';
    expect(sanitiseRemoteHtml(html)).toBe("<p>a</p>");
  });

  it("removes links to javascript:, data: and protocol-relative addresses, keeping their text", () => {
    expect(sanitiseRemoteHtml('<a href="javascript:alert(1)">x</a>')).toBe('<a rel="nofollow noopener noreferrer" target="_blank">x</a>');
    expect(sanitiseRemoteHtml('<a href="data:text/html,hi">x</a>')).toBe('<a rel="nofollow noopener noreferrer" target="_blank">x</a>');
    expect(sanitiseRemoteHtml('<a href="//evil.example">x</a>')).toBe('<a rel="nofollow noopener noreferrer" target="_blank">x</a>');
  });

  it("overrides the sender's rel and target, and keeps only the classes Mastodon does", () => {
    expect(sanitiseRemoteHtml('<a href="https://x.example" rel="me" target="_self" class="hashtag evil">#x</a>')).toBe(
      '<a href="https://x.example" rel="nofollow noopener noreferrer" target="_blank" class="hashtag">#x</a>',
    );
    expect(sanitiseRemoteHtml('<span class="invisible big">https://</span>')).toBe('<span class="invisible">https://</span>');
    expect(sanitiseRemoteHtml('<p class="big" style="color:red">x</p>')).toBe("<p>x</p>");
  });

  it("turns headings into paragraphs and keeps the text of unknown tags", () => {
    expect(sanitiseRemoteHtml("<h1>Title</h1><div><section>body</section></div>")).toBe("<p>Title</p>body");
  });
});
