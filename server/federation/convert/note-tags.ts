import { Emoji, Hashtag, Image, Mention, type DocumentLoader, type Object as ApObject } from "@fedify/vocab";
import { REMOTE_STATUS_LIMITS, type RemoteEmoji } from "../../core/statuses/remote-status-record.ts";
import { embeddedOnly, isHttpUrl } from "./embedded.ts";

export interface ObjectTags {
  /** Distinct Mention hrefs in the order given, at most maxMentions. */
  mentionHrefs: URL[];
  tagNames: string[];
  emojis: RemoteEmoji[];
}

// Past this many tag entries the rest are not read at all: a post with 10,000 mentions costs what one with 300 does.
const MAX_TAG_ENTRIES = 300;

// Mastodon's SHORTCODE_RE_FRAGMENT, bounded: a shortcode of hundreds of characters names no emoji, it only bloats
// our tables (reaction.ts bounds it the same way).
const SHORTCODE = /^:?([a-zA-Z0-9_]{2,100}):?$/;
// Letters, digits, underscores, the middle dot and ZWNJ, with at least one letter or underscore (Mastodon's HASHTAG_NAME_RE).
const HASHTAG_NAME = /^(?=.*[\p{L}_])[\p{L}\p{M}\p{N}_\u00b7\u200c]{1,100}$/u;

function text(value: unknown): string {
  return value === null || value === undefined ? "" : String(value).trim();
}

async function emojiOf(emoji: Emoji, contextLoader: DocumentLoader | undefined): Promise<RemoteEmoji | null> {
  const shortcode = SHORTCODE.exec(text(emoji.name))?.[1];
  if (!shortcode) return null;
  const icon = await emoji.getIcon(embeddedOnly(contextLoader)).catch(() => null);
  const url = icon instanceof Image ? icon.url : null;
  const href = url instanceof URL ? url : (url?.href ?? null);
  if (!isHttpUrl(href)) return null;
  return { shortcode, imageUrl: href.href, uri: emoji.id?.href ?? null };
}

/** Mentions, hashtags and custom emoji from an object's `tag`, bounded and without duplicates. */
export async function readObjectTags(object: ApObject, contextLoader: DocumentLoader | undefined): Promise<ObjectTags> {
  const mentions = new Map<string, URL>();
  const tagNames = new Map<string, string>();
  const emojis = new Map<string, RemoteEmoji>();
  let read = 0;
  for await (const tag of object.getTags(embeddedOnly(contextLoader))) {
    if (++read > MAX_TAG_ENTRIES) break;
    if (tag instanceof Mention) {
      if (mentions.size < REMOTE_STATUS_LIMITS.maxMentions && isHttpUrl(tag.href)) mentions.set(tag.href.href, tag.href);
    } else if (tag instanceof Hashtag) {
      const name = text(tag.name).replace(/^#/, "");
      if (tagNames.size < REMOTE_STATUS_LIMITS.maxTags && HASHTAG_NAME.test(name) && !tagNames.has(name.toLowerCase())) {
        tagNames.set(name.toLowerCase(), name);
      }
    } else if (tag instanceof Emoji) {
      const emoji = emojis.size < REMOTE_STATUS_LIMITS.maxEmojis ? await emojiOf(tag, contextLoader) : null;
      if (emoji && !emojis.has(emoji.shortcode)) emojis.set(emoji.shortcode, emoji);
    }
  }
  return { mentionHrefs: [...mentions.values()], tagNames: [...tagNames.values()], emojis: [...emojis.values()] };
}
