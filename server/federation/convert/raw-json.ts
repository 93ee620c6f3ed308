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

/**
 * The raw JSON of the object with this id among candidates: the activity's embedded `object`, or the
 * document the object was fetched as. Null when none is it (the extras are then simply absent).
 */
export function rawObjectWithId(id: string, ...candidates: unknown[]): JsonRecord | null {
  for (const candidate of candidates) {
    if (isRecord(candidate) && candidate.id === id) return candidate;
    if (isRecord(candidate) && isRecord(candidate.object) && candidate.object.id === id) return candidate.object;
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
