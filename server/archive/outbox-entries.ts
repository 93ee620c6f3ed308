import type { ArchivedBoost, ArchivedStatus } from "../core/archive/archived-statuses.ts";
import type { Visibility } from "../db/schema.ts";
import { sanitiseRemoteHtml } from "../federation/html-sanitiser.ts";
import type { JsonValue } from "./archive-json.ts";

/**
 * What one item of outbox.json says, read as Mastodon writes it (app/serializers/activitypub/ and
 * BackupService): a Create of a Note or Question, or an Announce of a post's id. Media are named, not yet read.
 */

const PUBLIC = new Set(["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]);

export interface ArchiveActor {
  id: string;
  /** The followers collection: a post addressed to it is followers-only. */
  followers: string;
  username: string;
  host: string;
}

export interface ArchiveAttachment {
  url: string;
  description: string | null;
  focusX: number | null;
  focusY: number | null;
}

/** A post as the archive has it: what core stores (ArchivedStatus), its media still to be read from the zip. */
export type OutboxStatus = Omit<ArchivedStatus, "media"> & { attachments: ArchiveAttachment[] };

export type OutboxBoost = ArchivedBoost;

/** An item read, or why it is left out (a kind Hearth does not keep), or why the file is not an outbox at all. */
export type OutboxItem = OutboxStatus | OutboxBoost | { kind: "other"; type: string } | { kind: "invalid"; why: string };

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

/** ActivityStreams allows one value or a list, and an object or its id, for most properties. */
function list(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function idOf(value: JsonValue | undefined): string | null {
  if (typeof value === "string") return value;
  if (isObject(value)) return text(value.id) ?? text(value.href);
  return null;
}

function date(value: JsonValue | undefined): string | null {
  const written = text(value);
  if (!written) return null;
  const parsed = new Date(written);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

/** As Mastodon reads addressing (ActivityPub::Activity::Create#visibility_from_audience). */
export function visibilityOf(to: JsonValue | undefined, cc: JsonValue | undefined, actor: ArchiveActor): Visibility {
  const toIds = list(to).map(idOf);
  const ccIds = list(cc).map(idOf);
  if (toIds.some((id) => id !== null && PUBLIC.has(id))) return "public";
  if (ccIds.some((id) => id !== null && PUBLIC.has(id))) return "unlisted";
  if (toIds.includes(actor.followers)) return "private";
  return "direct";
}

function focalPoint(value: JsonValue | undefined): { x: number; y: number } | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [x, y] = value;
  if (typeof x !== "number" || typeof y !== "number" || Math.abs(x) > 1 || Math.abs(y) > 1) return null;
  return { x, y };
}

function attachmentsOf(value: JsonValue | undefined): ArchiveAttachment[] {
  const attachments: ArchiveAttachment[] = [];
  for (const item of list(value)) {
    if (!isObject(item)) continue;
    const url = idOf(list(item.url)[0]);
    if (!url) continue;
    const focus = focalPoint(item.focalPoint);
    const name = text(item.name);
    attachments.push({ url, description: name && name !== "" ? name : null, focusX: focus?.x ?? null, focusY: focus?.y ?? null });
  }
  return attachments;
}

function contentOf(object: JsonObject, reading: OutboxReading): { content: string; language: string | null } {
  const map = isObject(object.contentMap) ? object.contentMap : {};
  const [language, mapped] = Object.entries(map).find(([, value]) => typeof value === "string") ?? [null, null];
  const html = text(object.content) ?? text(mapped) ?? "";
  return { content: reading.withContent ? sanitiseRemoteHtml(html) : "", language: language && /^[a-zA-Z-]{2,16}$/.test(language) ? language : null };
}

/**
 * How much of an item to read. The survey before an import only checks items and counts them: it leaves the
 * content unsanitised (empty), which is most of the cost of reading a post (issue #17).
 */
export interface OutboxReading {
  withContent: boolean;
}

const WHOLE: OutboxReading = { withContent: true };

function statusOf(activity: JsonObject, object: JsonObject, actor: ArchiveActor, position: number, reading: OutboxReading): OutboxItem {
  const importUri = text(object.id);
  if (!importUri) return { kind: "invalid", why: `item ${position} has a post without an id` };
  const createdAt = date(object.published) ?? date(activity.published);
  if (!createdAt) return { kind: "invalid", why: `item ${position} (${importUri}) has no readable published date` };
  const author = idOf(object.attributedTo) ?? idOf(activity.actor);
  if (author !== actor.id) return { kind: "invalid", why: `item ${position} (${importUri}) is by ${author ?? "nobody named"}, not by ${actor.id} whose archive this is` };
  const tags = list(object.tag).filter(isObject);
  return {
    kind: "status",
    importUri,
    visibility: visibilityOf(object.to ?? activity.to, object.cc ?? activity.cc, actor),
    ...contentOf(object, reading),
    spoilerText: text(object.summary) ?? "",
    sensitive: object.sensitive === true,
    createdAt,
    editedAt: date(object.updated),
    inReplyToUri: idOf(object.inReplyTo),
    mentionUris: tags.filter((tag) => tag.type === "Mention").flatMap((tag) => text(tag.href) ?? []),
    tagNames: tags.filter((tag) => tag.type === "Hashtag").flatMap((tag) => text(tag.name)?.replace(/^#/, "") ?? []),
    attachments: attachmentsOf(object.attachment),
  };
}

export function readOutboxItem(item: JsonValue, actor: ArchiveActor, position: number, reading: OutboxReading = WHOLE): OutboxItem {
  if (!isObject(item)) return { kind: "invalid", why: `item ${position} is not an activity` };
  const type = text(item.type);
  if (!type) return { kind: "invalid", why: `item ${position} has no type` };
  if (type === "Create") {
    const object = item.object;
    if (!isObject(object)) return { kind: "invalid", why: `item ${position} creates no post` };
    const objectType = text(object.type) ?? "";
    if (objectType !== "Note" && objectType !== "Question" && objectType !== "Article") return { kind: "other", type: `Create(${objectType})` };
    return statusOf(item, object, actor, position, reading);
  }
  if (type === "Announce") {
    const importUri = text(item.id);
    const objectUri = idOf(item.object);
    const createdAt = date(item.published);
    if (!importUri || !objectUri || !createdAt) return { kind: "invalid", why: `item ${position} is a boost without an id, a post or a date` };
    return { kind: "boost", importUri, objectUri, visibility: visibilityOf(item.to, item.cc, actor), createdAt };
  }
  return { kind: "other", type };
}

/** The archive's owner, from actor.json. */
export function readArchiveActor(value: JsonValue | undefined): ArchiveActor | { why: string } {
  if (!isObject(value)) return { why: "actor.json is missing or is not an actor" };
  const id = text(value.id);
  const username = text(value.preferredUsername);
  if (!id || !username) return { why: "actor.json has no id or preferredUsername" };
  let host: string;
  try {
    host = new URL(id).host;
  } catch {
    return { why: `actor.json's id (${id}) is not a URL` };
  }
  return { id, username, host, followers: text(value.followers) ?? `${id}/followers` };
}
