import { mediaFileUrl, remoteMediaKey } from "../../core/media/media.ts";
import type { MediaType } from "../../db/schema.ts";
import type { MediaAttachmentRow } from "../../core/rows.ts";

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
 * Where remote media is served from here: fetched from the peer on first request, kept, and served offline.
 * The key makes the address a capability (the proxy answers 404 without it): ids alone can be guessed.
 */
function mediaProxyUrl(origin: string, id: string, remoteUrl: string, variant: "original" | "small"): string {
  const url = new URL(`/media_proxy/${id}/${variant}`, origin);
  url.searchParams.set("k", remoteMediaKey(remoteUrl));
  return url.href;
}

/**
 * A media_attachments row as clients see it. Our files are served from `origin`. Remote media is served through
 * our cache (/media_proxy, as Mastodon does), so the archive's pictures keep working offline or when the peer
 * is gone; remote_url keeps the peer's own address. A remote image is its own preview; a remote video or
 * audio has a preview only when the peer sent one (or we made one from it).
 */
export function toMediaAttachment(row: MediaAttachmentRow, origin: string): MastodonMediaAttachment {
  const meta = parseMeta(row.meta_json);
  if (row.focus_x !== null && row.focus_y !== null) meta.focus = { x: row.focus_x, y: row.focus_y };
  let url: string | null;
  let previewUrl: string | null;
  if (row.remote_url !== null) {
    url = mediaProxyUrl(origin, row.id, row.remote_url, "original");
    const hasPreview = row.type === "image" || row.thumbnail_file !== null || row.thumbnail_remote_url !== null;
    previewUrl = hasPreview ? mediaProxyUrl(origin, row.id, row.remote_url, "small") : null;
  } else {
    const isProcessed = row.processing === "done";
    url = row.file && isProcessed ? mediaFileUrl(origin, row.file) : null;
    previewUrl = row.thumbnail_file && isProcessed ? mediaFileUrl(origin, row.thumbnail_file) : null;
  }
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
