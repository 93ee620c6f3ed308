import { getLogger } from "@logtape/logtape";
import { storedFilesOf, type ProcessedUpload } from "../core/media/media.ts";
import { makePreview, processImage } from "./image-processing.ts";
import { extensionFor, type SniffedMedia } from "./media-types.ts";
import { randomFileToken, type MediaStorage } from "./storage.ts";
import { readVideoMeta } from "./video-meta.ts";
import type { MediaAttachmentRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "media"]);

/**
 * Turns checked bytes into the stored files of one attachment (uploads and cached remote media alike):
 * images processed (original and preview), video and audio kept as they came, since there is no transcoder
 * here (Mastodon's ffmpeg); a custom thumbnail becomes their preview.
 */
export interface MediaBytes {
  bytes: Uint8Array;
  sniffed: SniffedMedia;
  thumbnail?: Uint8Array;
}

/**
 * <folder>/2026-01/<id>-<random>.<ext>, and "-small" before the extension for the preview: a folder a month
 * keeps folders small; the random part keeps the public URL of a followers-only post's media unguessable.
 */
function pathsFor(folder: string, row: Pick<MediaAttachmentRow, "id" | "created_at">) {
  const base = `${folder}/${row.created_at.slice(0, 7)}/${row.id}-${randomFileToken()}`;
  return { original: (extension: string) => `${base}.${extension}`, small: (extension: string) => `${base}-small.${extension}` };
}

/**
 * Writes the files; `written` collects every path as it is written, so that a caller whose later step fails
 * can remove them (removeFiles).
 */
export async function writeMediaFiles(
  storage: MediaStorage,
  folder: "attachments" | "cache",
  row: Pick<MediaAttachmentRow, "id" | "created_at">,
  media: MediaBytes,
  matrixLimit: number,
  written: string[],
): Promise<ProcessedUpload> {
  const paths = pathsFor(folder, row);
  const write = async (path: string, bytes: Uint8Array) => {
    written.push(path);
    await storage.write(path, bytes);
  };
  if (media.sniffed.kind === "image") {
    const image = await processImage(media.bytes, matrixLimit);
    const file = paths.original(extensionFor(image.original.contentType));
    const thumbnailFile = paths.small(extensionFor(image.small.contentType));
    await write(file, image.original.bytes);
    await write(thumbnailFile, image.small.bytes);
    return {
      type: "image",
      contentType: image.original.contentType,
      file,
      thumbnailFile,
      blurhash: image.blurhash,
      meta: { original: image.original.dimensions, small: image.small.dimensions },
    };
  }
  const preview = media.thumbnail ? await makePreview(media.thumbnail, matrixLimit) : undefined;
  const file = paths.original(media.sniffed.extension);
  const thumbnailFile = preview ? paths.small(extensionFor(preview.small.contentType)) : null;
  await write(file, media.bytes);
  if (preview && thumbnailFile) await write(thumbnailFile, preview.small.bytes);
  const original = readVideoMeta(media.bytes);
  return {
    type: media.sniffed.kind,
    contentType: media.sniffed.contentType,
    file,
    thumbnailFile,
    blurhash: preview?.blurhash ?? null,
    meta: { ...(original && { original }), ...(preview && { small: preview.small.dimensions }) },
  };
}

/** Removes stored files, logging rather than failing: a leftover file is untidy, not wrong. */
export async function removeFiles(storage: MediaStorage, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      await storage.remove(path);
    } catch (error) {
      logger.warn("Could not remove {path} from the media folder: {error}", { path, error });
    }
  }
}

/** Removes the files of rows that are gone (deleted uploads, the cleanup's harvest). */
export async function removeStoredFiles(storage: MediaStorage, rows: readonly Pick<MediaAttachmentRow, "file" | "thumbnail_file">[]): Promise<void> {
  for (const row of rows) await removeFiles(storage, storedFilesOf(row));
}
