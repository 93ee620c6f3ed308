import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cardFromPage, cardText } from "../../server/link-previews/card-from-page.ts";
import { decodeHtml } from "../../server/link-previews/html-charset.ts";
import { readPageMeta } from "../../server/link-previews/page-meta.ts";

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/link-previews/${name}`, import.meta.url), "utf8");
}

function cardOf(html: string, pageUrl = "https://garden.example/articles/leeks-in-winter?ref=mastodon") {
  return cardFromPage(readPageMeta(html), new URL(pageUrl));
}

describe("Link preview cards from a page's markup", () => {
  it("reads an OpenGraph article: the first of each tag, entities decoded, URLs made absolute", () => {
    expect(cardOf(fixture("opengraph-article.html"))).toEqual({
      // The canonical link, on the page's own host, rather than the address with its tracking query.
      url: "https://garden.example/articles/leeks-in-winter",
      title: "Leeks in winter: a grower's guide",
      description: "Why leeks stand the frost & how to lift them without snapping.",
      type: "link",
      authorName: "Ruth Greenwood",
      authorUrl: "https://garden.example/people/ruth",
      providerName: "The Garden Post",
      providerUrl: "",
      html: "",
      width: 0,
      height: 0,
      // Relative to <base href>.
      imageRemoteUrl: "https://garden.example/articles/images/leeks.jpg",
      imageDescription: "A row of leeks under frost",
      embedUrl: "",
      publishedAt: "2026-01-12T07:30:00.000Z",
      language: "en",
    });
  });

  it("reads a Twitter player card as a video, its iframe built here with the player's address escaped", () => {
    const card = cardOf(fixture("twitter-player.html"), "https://video.example/watch/garlic");
    expect(card).toMatchObject({
      url: "https://video.example/watch/garlic",
      title: "Planting garlic, in four minutes",
      description: "A short film from the allotment.",
      type: "video",
      width: 640,
      height: 360,
      imageRemoteUrl: "https://video.example/thumbs/garlic.png",
      embedUrl: "https://video.example/files/garlic.mp4",
      language: null,
    });
    // The quote the page put in the player's URL stays inside the src attribute: no onload attribute appears.
    expect(card?.html).toBe(
      '<iframe src="https://video.example/embed/garlic?autoplay=0%22onload=%22alert(1)" width="640" height="360" allowfullscreen="true" allowtransparency="true" scrolling="no" frameborder="0"></iframe>',
    );
  });

  it("makes do with <title> on a page without meta tags, and gives no card for a page with no title", () => {
    expect(cardOf(fixture("no-meta.html"), "http://plain.example/")).toMatchObject({
      url: "http://plain.example/",
      title: "Just a title",
      description: "",
      type: "link",
      imageRemoteUrl: null,
      providerName: "",
      publishedAt: null,
    });
    expect(cardOf(fixture("no-title.html"))).toBeUndefined();
  });

  it("keeps only what is safe and sane: http(s) URLs, a canonical on the same host, plain capped text", () => {
    const html = `<html><head>
      <meta property="og:title" content="  Tabs\tand\u0007 bells\u0000 and\nnewlines  ">
      <meta property="og:description" content="${"word ".repeat(400)}">
      <meta property="og:image" content="javascript:alert(1)">
      <meta name="twitter:image" content="data:image/png;base64,AAAA">
      <meta property="og:url" content="https://elsewhere.example/claimed">
      <meta property="article:published_time" content="last Tuesday">
      <meta property="article:author" content="Sam Digger">
      <meta name="twitter:player" content="javascript:alert(1)">
    </head></html>`;
    const card = cardOf(html, "https://garden.example/page");
    expect(card?.title).toBe("Tabs and bells and newlines");
    expect([...(card?.description ?? "")]).toHaveLength(1000);
    expect(card?.description.endsWith("…")).toBe(true);
    expect(card).toMatchObject({ url: "https://garden.example/page", imageRemoteUrl: null, publishedAt: null, authorName: "Sam Digger", authorUrl: "", type: "link", html: "" });
  });

  it("decodes meta contents a CMS encoded twice, as Mastodon does", () => {
    expect(cardText("Tom &amp; Jerry &#8211; the &lt;b&gt; tag", 100)).toBe("Tom & Jerry – the <b> tag");
  });

  it("reads a page in the encoding it declares, in its header or in a <meta>", () => {
    const latin1 = Buffer.from('<html><head><meta charset="windows-1252"><title>Caf\xe9 cr\xe8me</title></head></html>', "latin1");
    expect(readPageMeta(decodeHtml(latin1, undefined)).title).toBe("Café crème");
    const shiftJis = Buffer.from([...Buffer.from("<title>"), 0x93, 0xfa, 0x96, 0x7b, ...Buffer.from("</title>")]);
    expect(readPageMeta(decodeHtml(shiftJis, "Shift_JIS")).title).toBe("日本");
    // An encoding nobody knows falls back to UTF-8 rather than failing the card.
    expect(readPageMeta(decodeHtml(Buffer.from("<title>Üben</title>"), "no-such-charset")).title).toBe("Üben");
  });

  it("reads the head of a huge page, whatever follows it", () => {
    const head = '<html><head><meta property="og:title" content="Huge"></head><body>';
    const html = head + "<p>filler text &amp; more</p>".repeat(120_000) + "</body></html>";
    expect(html.length).toBeGreaterThan(3_000_000);
    expect(cardOf(html)?.title).toBe("Huge");
  });
});
