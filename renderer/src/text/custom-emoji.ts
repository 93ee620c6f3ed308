import type { CustomEmoji } from "../api/entities.ts";

/**
 * Custom emoji in text a server sent: `:shortcode:` stands for a picture only when the status or account
 * lists that shortcode in its `emojis` (Mastodon's rule), so ordinary colons stay text. Pure, so the
 * splitting is testable without a DOM; components and the post-HTML cleaner turn the parts into nodes.
 */

export type EmojiPart = { kind: "text"; text: string } | { kind: "emoji"; emoji: CustomEmoji };

// Mastodon's shortcode alphabet; the closing colon is looked ahead so ":a::b:" and "12:30:wave:" both work.
const SHORTCODE = /:([a-zA-Z0-9_]+)(?=:)/g;

export function splitCustomEmoji(text: string, emojis: readonly CustomEmoji[] | undefined): EmojiPart[] {
  if (!emojis || emojis.length === 0 || !text.includes(":")) return text === "" ? [] : [{ kind: "text", text }];
  const byShortcode = new Map(emojis.filter((emoji) => isImageUrl(emoji.url)).map((emoji) => [emoji.shortcode, emoji] as const));
  const parts: EmojiPart[] = [];
  let textStart = 0;
  SHORTCODE.lastIndex = 0;
  for (let match = SHORTCODE.exec(text); match; match = SHORTCODE.exec(text)) {
    const emoji = byShortcode.get(match[1]!);
    if (!emoji) {
      // The closing colon may open the next shortcode.
      continue;
    }
    if (match.index > textStart) parts.push({ kind: "text", text: text.slice(textStart, match.index) });
    parts.push({ kind: "emoji", emoji });
    textStart = match.index + match[0].length + 1;
    SHORTCODE.lastIndex = textStart;
  }
  if (textStart < text.length) parts.push({ kind: "text", text: text.slice(textStart) });
  return parts;
}

/** Only http(s) pictures: an emoji URL from another server must not become a javascript: or data: source. */
function isImageUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The still picture for readers who asked for less motion, the animated one otherwise. */
export function emojiImageUrl(emoji: CustomEmoji, prefersReducedMotion: boolean): string {
  return prefersReducedMotion && isImageUrl(emoji.static_url) ? emoji.static_url : emoji.url;
}

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}
