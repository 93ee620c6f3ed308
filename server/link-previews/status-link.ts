import type { PreviewSubject } from "../core/statuses/preview-cards.ts";
import { tokenizeStatusText } from "../core/statuses/status-text.ts";
import { walkHtml } from "./html-walk.ts";

/**
 * The link a status's preview card is for, picked as Mastodon's FetchLinkCardService picks it: the first
 * http(s) link that is not a mention or a hashtag and not to this instance. A local status's links are read
 * from the text its author typed; a remote one's from the anchors of its HTML.
 */

const MAX_LINK_LENGTH = 2048;
// Microformats and Mastodon's classes on mention and hashtag links; rel="tag" does not survive our sanitiser.
const MENTION_OR_TAG_CLASS = /(^|\s)(u-url|h-card|mention|hashtag)(\s|$)/;

function normalisedLink(value: string | undefined, isOwnUrl: (url: URL) => boolean): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.href.length > MAX_LINK_LENGTH || isOwnUrl(url)) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

interface Anchor {
  href: string | undefined;
  isMentionOrTag: boolean;
}

const isQuoteInline = (attribs: Readonly<Record<string, string>>) => /(^|\s)quote-inline(\s|$)/.test(attribs.class ?? "");

/**
 * The anchors of status HTML in order, leaving out those in a quote post's "RE: <link>" (class quote-inline):
 * the quoted post is shown as a quote, not as a card.
 */
function anchorsOf(html: string): Anchor[] {
  const anchors: Anchor[] = [];
  // How many anchors had ended when each open quote-inline element began: the ones after are inside it.
  const quoteStarts: number[] = [];
  walkHtml(html, {
    onStartTag(tag, attribs) {
      if ((tag === "span" || tag === "p") && isQuoteInline(attribs)) quoteStarts.push(anchors.length);
    },
    textTags: ["a", "span", "p"],
    onElement({ tag, attribs, text }) {
      if (tag !== "a") {
        if (isQuoteInline(attribs)) anchors.splice(quoteStarts.pop() ?? anchors.length);
        return;
      }
      const isMentionOrTag =
        MENTION_OR_TAG_CLASS.test(attribs.class ?? "") ||
        /(^|\s)tag(\s|$)/i.test(attribs.rel ?? "") ||
        // Misskey and others mark neither: their "#tag" and "@name" links are told by their text.
        /^\s*[#@＃]/.test(text);
      anchors.push({ href: attribs.href, isMentionOrTag });
    },
  });
  return anchors;
}

export function previewLinkOf(subject: PreviewSubject, isOwnUrl: (url: URL) => boolean): string | undefined {
  const { status, mentionUrls } = subject;
  if (status.local === 1 && status.text !== null) {
    for (const token of tokenizeStatusText(status.text)) {
      if (token.type !== "url") continue;
      const link = normalisedLink(token.value, isOwnUrl);
      if (link) return link;
    }
    return undefined;
  }
  for (const anchor of anchorsOf(status.content)) {
    if (anchor.isMentionOrTag || (anchor.href !== undefined && mentionUrls.has(anchor.href))) continue;
    const link = normalisedLink(anchor.href, isOwnUrl);
    if (link) return link;
  }
  return undefined;
}
