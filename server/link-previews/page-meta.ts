import { walkHtml } from "./html-walk.ts";

/**
 * What a page says about itself in its markup: <meta> tags (OpenGraph's property="og:...", Twitter's
 * name="twitter:...", plain name="description"), <title>, <link rel="canonical">, <base href> and <html lang>.
 * Raw strings, the first of each as Mastodon's extractor takes them; card-from-page.ts judges and cleans them.
 * Only the head is read (up to <body> or </head>): unlike Mastodon, tags a page puts in its body are not seen.
 */

export interface PageMeta {
  /** Meta contents by lower-cased property or name; the first tag with a key wins. */
  readonly tags: ReadonlyMap<string, string>;
  readonly title: string | undefined;
  readonly canonical: string | undefined;
  readonly baseHref: string | undefined;
  readonly lang: string | undefined;
}

export function readPageMeta(html: string): PageMeta {
  const tags = new Map<string, string>();
  let title: string | undefined;
  let canonical: string | undefined;
  let baseHref: string | undefined;
  let lang: string | undefined;
  walkHtml(html, {
    onStartTag(tag, attribs) {
      // What a page says about itself is in its <head>; parsing a megabyte of body would hold up the server
      // for a second, to find nothing. (The parser's view: a "<body>" inside a script does not end the head.)
      if (tag === "body") return "stop";
      if (tag === "meta" && attribs.content !== undefined) {
        // Pages mix the two: OpenGraph says property, Twitter and many CMSs say name (even for og:*).
        for (const key of [attribs.property, attribs.name]) {
          const normalised = key?.trim().toLowerCase();
          if (normalised && !tags.has(normalised)) tags.set(normalised, attribs.content);
        }
      } else if (tag === "link" && canonical === undefined && attribs.href && /(^|\s)canonical(\s|$)/i.test(attribs.rel ?? "")) {
        canonical = attribs.href;
      } else if (tag === "base" && baseHref === undefined && attribs.href) {
        baseHref = attribs.href;
      } else if (tag === "html" && lang === undefined && attribs.lang) {
        lang = attribs.lang;
      }
    },
    // Pages that leave out <body> still mostly close their head.
    onEndTag: (tag) => (tag === "head" ? "stop" : undefined),
    // An <svg> may hold <title>s of its own; the document's comes first, in <head>.
    textTags: ["title"],
    onElement(element) {
      title ??= element.text;
    },
  });
  return { tags, title, canonical, baseHref, lang };
}
