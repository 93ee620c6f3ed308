import { mediaFileUrl, type MediaAttachmentRow } from "../../core/media.ts";
import type { MediaType } from "../../db/schema.ts";

/** Mastodon's MediaAttachment entity: every field present, null where Mastodon allows it. */
export interface MastodonMediaAttachment {
  id: string;
  type: MediaType;
  /** Null while the upload is processed (the 202 of POST /api/v2/media, the 206 of GET /api/v1/media/:id). */
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  preview_remote_url: string | null;
  /** Gone from Mastodon since 3.5; kept null for apps that still read it. */
  text_url: null;
  meta: Record<string, unknown>;
  description: string | null;
  blurhash: string | null;
}

function parseMeta(json: string): Record<string, unknown> {
  try {
    const meta: unknown = JSON.parse(json);
    return meta !== null && typeof meta === "object" && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A media_attachments row as clients see it. Our files are served from `origin`; remote media not cached here
 * points at its own server, and a remote image with no preview of its own is its own preview.
 */
export function toMediaAttachment(row: MediaAttachmentRow, origin: string): MastodonMediaAttachment {
  const meta = parseMeta(row.meta_json);
  if (row.focus_x !== null && row.focus_y !== null) meta.focus = { x: row.focus_x, y: row.focus_y };
  const isProcessed = row.processing === "done";
  const url = row.file && isProcessed ? mediaFileUrl(origin, row.file) : row.remote_url;
  const remotePreview = row.thumbnail_remote_url ?? (row.type === "image" ? row.remote_url : null);
  const previewUrl = row.thumbnail_file && isProcessed ? mediaFileUrl(origin, row.thumbnail_file) : remotePreview;
  return {
    id: row.id,
    type: row.type,
    url,
    preview_url: previewUrl,
    remote_url: row.remote_url,
    preview_remote_url: row.thumbnail_remote_url,
    text_url: null,
    meta,
    description: row.description,
    blurhash: row.blurhash,
  };
}
