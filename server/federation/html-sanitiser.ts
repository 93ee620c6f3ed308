import type SanitizeHtml from "sanitize-html";
import { sanitizeHtml } from "../sanitize-html-on-first-use.ts";

/**
 * Incoming HTML, cleaned on arrival with an allowlist like Mastodon's (Sanitize::Config::MASTODON_STRICT),
 * so nothing a remote server sends reaches a page as it was sent.
 */

// Mastodon's LINK_PROTOCOLS: what a link in a post may point at.
const LINK_SCHEMES = ["http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini"];

// Microformats (h-card, u-url, ...) and the classes Mastodon's own rendering relies on; others are dropped.
const ALLOWED_CLASS = /^(?:(?:h|p|u|dt|e)-[a-z0-9-]+|mention|hashtag|ellipsis|invisible|quote-inline)$/;

function keepAllowedClasses(className: string | undefined): string | undefined {
  if (!className) return undefined;
  const kept = className.split(/\s+/).filter((name) => ALLOWED_CLASS.test(name));
  return kept.length > 0 ? kept.join(" ") : undefined;
}

// Mastodon shows headings as plain paragraphs: a post is not a page with its own outline.
const headingToParagraph: SanitizeHtml.Transformer = () => ({ tagName: "p", attribs: {} });

const OPTIONS: SanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp"],
  allowedAttributes: {
    a: ["href", "rel", "class", "translate", "target"],
    span: ["class", "translate"],
    ol: ["start", "reversed"],
    li: ["value"],
    p: ["class"],
  },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  // Script and style bodies go with their tags; every other unknown tag gives up its text.
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "title"],
  transformTags: {
    a: (tagName, attribs) => {
      const { class: className, ...rest } = attribs;
      const kept = keepAllowedClasses(className);
      return {
        tagName,
        attribs: { ...rest, ...(kept ? { class: kept } : {}), rel: "nofollow noopener noreferrer", target: "_blank" },
      };
    },
    span: (tagName, attribs) => {
      const kept = keepAllowedClasses(attribs.class);
      const { class: _dropped, ...rest } = attribs;
      return { tagName, attribs: kept ? { ...rest, class: kept } : rest };
    },
    p: (tagName, attribs) => {
      const kept = keepAllowedClasses(attribs.class);
      return { tagName, attribs: kept ? { class: kept } : ({} as SanitizeHtml.Attributes) };
    },
    h1: headingToParagraph,
    h2: headingToParagraph,
    h3: headingToParagraph,
    h4: headingToParagraph,
    h5: headingToParagraph,
    h6: headingToParagraph,
  },
};

/** Sanitises HTML from a remote server: an allowlist of tags, classes and link schemes. */
export function sanitiseRemoteHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

