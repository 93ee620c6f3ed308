/**
 * Post HTML as the client shows it. The server already cleans what arrives from other servers; this is the
 * second lock, with the allow-list of Mastodon's own sanitiser: text formatting, links, and nothing that runs.
 */

import type { CustomEmoji } from "../api/entities.ts";
import { sameServerUrl } from "../media-url.ts";
import { emojiImageUrl, prefersReducedMotion, splitCustomEmoji } from "./custom-emoji.ts";

const ALLOWED_TAGS = new Set(["p", "br", "span", "a", "strong", "b", "em", "i", "u", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li"]);
const ALLOWED_CLASSES = new Set(["mention", "hashtag", "u-url", "h-card", "invisible", "ellipsis", "quote-inline"]);
const SAFE_SCHEMES = /^(https?|mailto|xmpp|gopher|gemini|web\+ap):/i;
// Code is shown as written: ":name:" there is not an emoji.
const LITERAL_TAGS = new Set(["code", "pre"]);

interface EmojiOptions {
  emojis: readonly CustomEmoji[];
  prefersReducedMotion: boolean;
}

/** A text node's words, its custom emoji as pictures; only text is touched, never an attribute. */
function appendText(text: string, into: Node, document: Document, emoji: EmojiOptions | undefined): void {
  for (const part of splitCustomEmoji(text, emoji?.emojis)) {
    if (part.kind === "text") {
      into.appendChild(document.createTextNode(part.text));
      continue;
    }
    const label = `:${part.emoji.shortcode}:`;
    const image = document.createElement("img");
    image.setAttribute("class", "emoji");
    image.setAttribute("src", sameServerUrl(emojiImageUrl(part.emoji, emoji?.prefersReducedMotion ?? false)));
    image.setAttribute("alt", label);
    image.setAttribute("title", label);
    image.setAttribute("width", "16");
    image.setAttribute("height", "16");
    image.setAttribute("loading", "lazy");
    image.setAttribute("decoding", "async");
    image.setAttribute("draggable", "false");
    into.appendChild(image);
  }
}

function cleanChildren(from: Node, into: Node, document: Document, emoji?: EmojiOptions): void {
  for (const child of [...from.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) {
      appendText(child.textContent ?? "", into, document, emoji);
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const element = child as Element;
    const tag = element.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) {
      // Unknown wrappers keep their text; script and style keep nothing.
      if (tag !== "script" && tag !== "style" && tag !== "template") cleanChildren(element, into, document, emoji);
      continue;
    }
    const clean = document.createElement(tag);
    const classes = (element.getAttribute("class") ?? "").split(/\s+/).filter((name) => ALLOWED_CLASSES.has(name));
    if (classes.length > 0) clean.setAttribute("class", classes.join(" "));
    if (tag === "a") {
      const href = element.getAttribute("href") ?? "";
      if (SAFE_SCHEMES.test(href)) {
        clean.setAttribute("href", href);
        clean.setAttribute("target", "_blank");
        clean.setAttribute("rel", "nofollow noopener noreferrer");
      }
    }
    cleanChildren(element, clean, document, LITERAL_TAGS.has(tag) ? undefined : emoji);
    into.appendChild(clean);
  }
}

/** Cleans post HTML; with `emojis` (the status's), their `:shortcode:`s in its text become pictures. */
export function sanitizePostHtml(html: string, emojis: readonly CustomEmoji[] = []): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const output = document.implementation.createHTMLDocument("");
  const container = output.createElement("div");
  cleanChildren(parsed.body, container, output, emojis.length > 0 ? { emojis, prefersReducedMotion: prefersReducedMotion() } : undefined);
  return container.innerHTML;
}

/** The text of some HTML, for a short quote (a reply's context, a notification line). */
export function htmlToText(html: string): string {
  const parsed = new DOMParser().parseFromString(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n\n"), "text/html");
  return (parsed.body.textContent ?? "").trim();
}
