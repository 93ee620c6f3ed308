import { InProcessMessageQueue, MemoryKvStore, type RequestContext } from "@fedify/fedify";
import { Create } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import { loadStatusParts, type StatusParts } from "../core/peers/status-parts.ts";
import type { AccountRow } from "../core/rows.ts";
import { localAddresses } from "../federation/addresses.ts";
import { createHearthFederation } from "../federation/federation.ts";
import { announceActivity, createActivity } from "../federation/status-activities.ts";

/**
 * The JSON documents of an account's archive, as Mastodon's BackupService writes them
 * (app/services/backup_service.rb): the actor as peers read it with its files and collections renamed to the
 * archive's own, and each status as the Create (or a boost's Announce) peers received, without its
 * @context (the outbox carries one for all), the attachments' urls made the paths of their files in the
 * archive. The objects come from federation's own builders, so the archive says what the fediverse saw.
 */

type JsonObject = Record<string, unknown>;

export interface ArchiveMediaFile {
  /** Relative to the data directory's media folder. */
  stored: string;
  /** Its path inside the archive, which is also the attachment's url in outbox.json. */
  inArchive: string;
}

/** Mastodon keeps attachments at media_attachments/files/…; ours keep their stored path below it. */
export function archivePathOfMedia(stored: string): string {
  return `media_attachments/files/${stored}`;
}

// Mastodon's attachments carry these two; Fedify's Document has no field for them.
const MASTODON_ATTACHMENT_TERMS = {
  blurhash: "toot:blurhash",
  focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
};

/** An array however many values: JSON-LD compaction writes one value bare, Mastodon always writes a list. */
function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Nested @context entries (Fedify adds them to embedded images) mean nothing under the document's own. */
// Mastodon writes the public collection's full id; compaction shortens it to a CURIE some readers miss.
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

function audience(value: unknown): unknown[] {
  return asList(value).map((entry) => (entry === "as:Public" || entry === "Public" ? PUBLIC : entry));
}

function withoutNestedContexts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNestedContexts);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "@context").map(([key, inner]) => [key, withoutNestedContexts(inner)]));
}

function focalPointOf(media: StatusParts["media"][number]): [number, number] | null {
  return media.focus_x === null || media.focus_y === null ? null : [media.focus_x, media.focus_y];
}

export interface ArchiveDocuments {
  /** The outbox's @context, for every item in it. */
  outboxContext: unknown;
  actor(): Promise<{ json: JsonObject; avatar: string | null; header: string | null }>;
  /** The outbox item of one status, or null when it cannot be said (a boost of a status since gone). */
  item(statusId: string): Promise<JsonObject | null>;
}

function extensionOf(path: string): string {
  const match = /\.[A-Za-z0-9]+$/.exec(path);
  return match ? match[0] : "";
}

export async function createArchiveDocuments(core: CoreContext, account: AccountRow, origin: string): Promise<ArchiveDocuments> {
  // A federation that never listens nor delivers: only its URI building and the actor dispatcher are used.
  const federation = createHearthFederation({ kv: new MemoryKvStore(), queue: new InProcessMessageQueue(), origin, allowPrivateNetwork: false, core });
  const ctx: RequestContext<CoreContext> = federation.createContext(new Request(origin), core);
  const addresses = localAddresses(ctx);
  const sample = await new Create({}).toJsonLd();
  const sampleContext = asList((sample as JsonObject)["@context"]);
  const outboxContext = [...sampleContext, MASTODON_ATTACHMENT_TERMS];

  return {
    outboxContext,
    async actor() {
      const person = await ctx.getActor(account.username);
      if (!person) throw new Error(`The actor of ${account.username} could not be built.`);
      const raw = (await person.toJsonLd()) as JsonObject;
      const json = withoutNestedContexts(raw) as JsonObject;
      json["@context"] = raw["@context"];
      const avatar = account.avatar_file ? `avatar${extensionOf(account.avatar_file)}` : null;
      const header = account.header_file ? `header${extensionOf(account.header_file)}` : null;
      // As Mastodon: no icon or image when the account has none of its own (ours would name the stand-in).
      if (avatar) json.icon = { ...(json.icon as JsonObject), url: avatar };
      else delete json.icon;
      if (header) json.image = { ...(json.image as JsonObject), url: header };
      else delete json.image;
      json.outbox = "outbox.json";
      json.likes = "likes.json";
      json.bookmarks = "bookmarks.json";
      return { json, avatar, header };
    },
    async item(statusId) {
      const parts = await loadStatusParts(core, statusId);
      if (!parts) return null;
      const activity = parts.reblogOf ? announceActivity(addresses, parts) : createActivity(addresses, parts);
      if (!activity) return null;
      const json = withoutNestedContexts(await activity.toJsonLd()) as JsonObject;
      delete json["@context"];
      json.to = audience(json.to);
      json.cc = audience(json.cc);
      if (json.type !== "Create" || typeof json.object !== "object" || json.object === null) return json;
      const object = json.object as JsonObject;
      object.to = audience(object.to);
      object.cc = audience(object.cc);
      object.tag = asList(object.tag);
      const withFiles = parts.media.filter((media) => media.file !== null || media.remote_url !== null);
      object.attachment = asList(object.attachment).map((attachment, index) => {
        const media = withFiles[index];
        if (!media || typeof attachment !== "object" || attachment === null) return attachment;
        const focalPoint = focalPointOf(media);
        return {
          ...(attachment as JsonObject),
          ...(media.file ? { url: archivePathOfMedia(media.file) } : {}),
          ...(media.blurhash ? { blurhash: media.blurhash } : {}),
          ...(focalPoint ? { focalPoint } : {}),
        };
      });
      return json;
    },
  };
}
