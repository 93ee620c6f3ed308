import { Audio, Document, Image, Link, Page, Video, type DocumentLoader, type Object as ApObject } from "@fedify/vocab";
import type { MediaType } from "../../db/schema.ts";
import { REMOTE_STATUS_LIMITS, type RemoteMedia } from "../../core/statuses/remote-status-record.ts";
import { embeddedOnly, isHttpUrl } from "./embedded.ts";
import { attachmentExtras, type JsonRecord } from "./raw-json.ts";

function firstHttpUrl(document: Document): { url: URL; mediaType: string | null } | null {
  for (const candidate of document.urls) {
    if (candidate instanceof URL && isHttpUrl(candidate)) return { url: candidate, mediaType: null };
    if (candidate instanceof Link && isHttpUrl(candidate.href)) return { url: candidate.href, mediaType: candidate.mediaType };
  }
  return null;
}

/** Mastodon's type for remote media: by its content type, else by the attachment's own type. */
function mediaTypeOf(document: Document, contentType: string | null): MediaType {
  const major = contentType?.split("/")[0]?.toLowerCase();
  if (major === "image") return "image";
  if (major === "video") return "video";
  if (major === "audio") return "audio";
  if (document instanceof Image) return "image";
  if (document instanceof Video) return "video";
  if (document instanceof Audio) return "audio";
  return "unknown";
}

function dimension(value: number | null): number | null {
  return value !== null && Number.isInteger(value) && value > 0 && value < 100_000 ? value : null;
}

/**
 * An object's attachments as remote media (left at their URLs), with alt text from `name`, and blurhash and
 * focal point from the raw JSON, since Fedify does not model them.
 */
export async function readObjectMedia(object: ApObject, raw: JsonRecord | null, contextLoader: DocumentLoader | undefined): Promise<RemoteMedia[]> {
  const extras = attachmentExtras(raw);
  const media: RemoteMedia[] = [];
  for await (const attachment of object.getAttachments(embeddedOnly(contextLoader))) {
    if (media.length >= REMOTE_STATUS_LIMITS.maxMedia) break;
    // A Page attached to a post is a link preview in some servers' eyes, not media.
    if (!(attachment instanceof Document) || attachment instanceof Page) continue;
    const found = firstHttpUrl(attachment);
    if (!found) continue;
    const contentType = attachment.mediaType ?? found.mediaType;
    const description = attachment.name === null ? "" : String(attachment.name).trim();
    const extra = extras.get(found.url.href);
    media.push({
      remoteUrl: found.url.href,
      type: mediaTypeOf(attachment, contentType),
      contentType: contentType && contentType.length <= 255 ? contentType : null,
      description: description === "" ? null : description.slice(0, REMOTE_STATUS_LIMITS.maxDescriptionLength),
      blurhash: extra?.blurhash ?? null,
      focus: extra?.focus ?? null,
      width: dimension(attachment.width),
      height: dimension(attachment.height),
    });
  }
  return media;
}
