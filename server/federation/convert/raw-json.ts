/**
 * Properties Fedify's vocabulary does not model (Mastodon's blurhash and focalPoint on attachments,
 * Misskey's _misskey_reaction) are read from the JSON as it arrived. Every server that sends them uses these
 * exact terms in its context, as Mastodon's documentation defines them, so a compacted key lookup is enough.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isRecord(value) && typeof value.id === "string") return value.id;
  return null;
}

// How far into a candidate to look: an outbox page, its item (a Create), the item's object (a Note).
const MAX_NESTING = 3;

function findWithId(id: string, value: unknown, depth: number): JsonRecord | null {
  if (!isRecord(value) || depth > MAX_NESTING) return null;
  if (value.id === id) return value;
  for (const inner of [value.object, value.first, ...asArray(value.orderedItems), ...asArray(value.items)]) {
    const found = findWithId(id, inner, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * The raw JSON of the object with this id among candidates: the activity's embedded `object`, the document
 * the object was fetched as, or an item of a collection page. Null when none is it (the extras are then
 * simply absent).
 */
export function rawObjectWithId(id: string, ...candidates: unknown[]): JsonRecord | null {
  for (const candidate of candidates) {
    const found = findWithId(id, candidate, 0);
    if (found) return found;
  }
  return null;
}

export interface AttachmentExtras {
  blurhash: string | null;
  focus: { x: number; y: number } | null;
}

const BLURHASH = /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,128}$/;

function focusOf(value: unknown): { x: number; y: number } | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [x, y] = value as unknown[];
  if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  const clamp = (n: number) => Math.max(-1, Math.min(1, n));
  return { x: clamp(x), y: clamp(y) };
}

function attachmentUrls(attachment: JsonRecord): string[] {
  return asArray(attachment.url).flatMap((url) => {
    if (typeof url === "string") return [url];
    if (isRecord(url) && typeof url.href === "string") return [url.href];
    return [];
  });
}

/** Blurhash and focal point of each attachment in a raw object, by the attachment's URL. */
export function attachmentExtras(raw: JsonRecord | null): Map<string, AttachmentExtras> {
  const extras = new Map<string, AttachmentExtras>();
  if (!raw) return extras;
  for (const attachment of asArray(raw.attachment)) {
    if (!isRecord(attachment)) continue;
    const blurhash = typeof attachment.blurhash === "string" && BLURHASH.test(attachment.blurhash) ? attachment.blurhash : null;
    const found = { blurhash, focus: focusOf(attachment.focalPoint) };
    for (const url of attachmentUrls(attachment)) extras.set(url, found);
  }
  return extras;
}

/** Misskey's reaction on a Like (`_misskey_reaction`), falling back to its `content`, as Misskey reads it. */
export function misskeyReaction(raw: unknown): string | null {
  if (!isRecord(raw)) return null;
  const reaction = raw._misskey_reaction;
  if (typeof reaction === "string" && reaction.trim() !== "") return reaction.trim();
  return null;
}

/** The ids an object's raw JSON names under a key (a string, an object with an id, or a list of them). */
export function rawIds(raw: JsonRecord | null, key: string): string[] {
  if (!raw) return [];
  return asArray(raw[key]).flatMap((value) => {
    const id = idOf(value);
    return id ? [id] : [];
  });
}

/** A Hashtag or Emoji tag as the raw JSON gives it, before the checks a typed tag also goes through (note-tags.ts). */
export type RawTag = { kind: "hashtag"; name: string } | { kind: "emoji"; name: string; iconUrl: string | null; iconIsImage: boolean; id: string | null };

// The compacted names servers write: bare (Mastodon's context defines them), prefixed, or expanded.
const HASHTAG_TYPES = new Set(["Hashtag", "as:Hashtag", "https://www.w3.org/ns/activitystreams#Hashtag"]);
const EMOJI_TYPES = new Set(["Emoji", "toot:Emoji", "http://joinmastodon.org/ns#Emoji"]);
const IMAGE_TYPES = new Set(["Image", "as:Image", "https://www.w3.org/ns/activitystreams#Image"]);

function hasTypeIn(value: JsonRecord, types: ReadonlySet<string>): boolean {
  return asArray(value.type).some((type) => typeof type === "string" && types.has(type));
}

/** The first URL of an Image's `url`: a string, a Link with an href, or a list of them. */
function firstUrl(value: unknown): string | null {
  for (const url of asArray(value)) {
    if (typeof url === "string") return url;
    if (isRecord(url) && typeof url.href === "string") return url.href;
  }
  return null;
}

/**
 * Hashtag and Emoji tags read from the JSON as it arrived, at most `maxEntries` entries of `tag` looked at.
 * A server whose @context declares only ActivityStreams (snac2) still writes them, but JSON-LD expansion
 * turns their undefined type names into blank-node types, so Fedify's parser no longer sees them.
 */
export function rawHashtagAndEmojiTags(raw: JsonRecord | null, maxEntries: number): RawTag[] {
  if (!raw) return [];
  const tags: RawTag[] = [];
  for (const tag of asArray(raw.tag).slice(0, maxEntries)) {
    if (!isRecord(tag) || typeof tag.name !== "string") continue;
    if (hasTypeIn(tag, HASHTAG_TYPES)) {
      tags.push({ kind: "hashtag", name: tag.name });
    } else if (hasTypeIn(tag, EMOJI_TYPES)) {
      const icon = asArray(tag.icon).find(isRecord);
      tags.push({
        kind: "emoji",
        name: tag.name,
        iconUrl: icon ? firstUrl(icon.url) : null,
        iconIsImage: icon ? hasTypeIn(icon, IMAGE_TYPES) : false,
        id: typeof tag.id === "string" ? tag.id : null,
      });
    }
  }
  return tags;
}
