import { Emoji, Hashtag, Image, Mention, type DocumentLoader, type Object as ApObject } from "@fedify/vocab";
import { REMOTE_STATUS_LIMITS, type RemoteEmoji } from "../../core/statuses/remote-status-record.ts";
import { embeddedOnly, isHttpUrl } from "./embedded.ts";
import { rawHashtagAndEmojiTags, type JsonRecord } from "./raw-json.ts";

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

/** A hashtag's name without the '#', or null when it is no name Mastodon would make a tag of. */
function hashtagName(name: unknown): string | null {
  const bare = text(name).replace(/^#/, "");
  return HASHTAG_NAME.test(bare) ? bare : null;
}

/** An emoji from its name, its icon's URL (only when the icon is an Image) and its id: the checks both readings share. */
function emojiFrom(name: unknown, iconUrl: URL | null, id: URL | null): RemoteEmoji | null {
  const shortcode = SHORTCODE.exec(text(name))?.[1];
  if (!shortcode || !isHttpUrl(iconUrl)) return null;
  return { shortcode, imageUrl: iconUrl.href, uri: id?.href ?? null };
}

async function emojiOf(emoji: Emoji, contextLoader: DocumentLoader | undefined): Promise<RemoteEmoji | null> {
  const icon = await emoji.getIcon(embeddedOnly(contextLoader)).catch(() => null);
  const url = icon instanceof Image ? icon.url : null;
  return emojiFrom(emoji.name, url instanceof URL ? url : (url?.href ?? null), emoji.id);
}

function parsedUrl(value: string | null): URL | null {
  return value !== null && URL.canParse(value) ? new URL(value) : null;
}

/**
 * Mentions, hashtags and custom emoji from an object's `tag`, bounded and without duplicates. Hashtags and
 * emoji the parsed object lacks altogether are read from its raw JSON (`raw`), with the same checks: a peer
 * whose @context leaves out Mastodon's terms (snac2) still means them.
 */
export async function readObjectTags(object: ApObject, contextLoader: DocumentLoader | undefined, raw: JsonRecord | null = null): Promise<ObjectTags> {
  const mentions = new Map<string, URL>();
  const tagNames = new Map<string, string>();
  const emojis = new Map<string, RemoteEmoji>();
  const addTag = (name: string | null) => {
    if (name !== null && tagNames.size < REMOTE_STATUS_LIMITS.maxTags && !tagNames.has(name.toLowerCase())) tagNames.set(name.toLowerCase(), name);
  };
  const addEmoji = (emoji: RemoteEmoji | null) => {
    if (emoji && emojis.size < REMOTE_STATUS_LIMITS.maxEmojis && !emojis.has(emoji.shortcode)) emojis.set(emoji.shortcode, emoji);
  };
  let read = 0;
  let hasTypedHashtags = false;
  let hasTypedEmojis = false;
  for await (const tag of object.getTags(embeddedOnly(contextLoader))) {
    if (++read > MAX_TAG_ENTRIES) break;
    if (tag instanceof Mention) {
      if (mentions.size < REMOTE_STATUS_LIMITS.maxMentions && isHttpUrl(tag.href)) mentions.set(tag.href.href, tag.href);
    } else if (tag instanceof Hashtag) {
      hasTypedHashtags = true;
      addTag(hashtagName(tag.name));
    } else if (tag instanceof Emoji) {
      hasTypedEmojis = true;
      if (emojis.size < REMOTE_STATUS_LIMITS.maxEmojis) addEmoji(await emojiOf(tag, contextLoader));
    }
  }
  if (!hasTypedHashtags || !hasTypedEmojis) {
    for (const tag of rawHashtagAndEmojiTags(raw, MAX_TAG_ENTRIES)) {
      if (tag.kind === "hashtag" && !hasTypedHashtags) addTag(hashtagName(tag.name));
      if (tag.kind === "emoji" && !hasTypedEmojis && tag.iconIsImage) addEmoji(emojiFrom(tag.name, parsedUrl(tag.iconUrl), parsedUrl(tag.id)));
    }
  }
  return { mentionHrefs: [...mentions.values()], tagNames: [...tagNames.values()], emojis: [...emojis.values()] };
}
