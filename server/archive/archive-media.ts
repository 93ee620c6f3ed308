import type { ArchivedMedia } from "../core/archive/archived-statuses.ts";
import { writeMediaFiles } from "../media/attachment-files.ts";
import { checkSize } from "../media/uploads.ts";
import { PUBLISHED_SIZE_LIMITS, sniffMedia } from "../media/media-types.ts";
import type { MediaStorage } from "../media/storage.ts";
import { readEntryBytes, type ArchiveZip } from "./archive-zip.ts";
import type { ArchiveAttachment } from "./outbox-entries.ts";

/** Why an attachment stayed behind: its post is imported without it, and the file is named in the report. */
export interface MediaProblem {
  url: string;
  why: string;
}

/**
 * An archived attachment through the same steps as an upload (media/uploads.ts): the type from the bytes,
 * the size and pixel limits, then sharp's original and preview with a blurhash for images.
 */
export async function importAttachment(
  archive: ArchiveZip,
  storage: MediaStorage,
  attachment: ArchiveAttachment,
  row: { id: string; created_at: string },
  written: string[],
): Promise<ArchivedMedia | MediaProblem> {
  const entry = archive.mediaEntry(attachment.url);
  if (!entry) return { url: attachment.url, why: "not in the archive" };
  if (entry.uncompressedSize > Math.max(PUBLISHED_SIZE_LIMITS.videoSizeLimit, PUBLISHED_SIZE_LIMITS.imageSizeLimit)) return { url: attachment.url, why: "larger than any upload may be" };
  try {
    const bytes = await readEntryBytes(archive, entry);
    const sniffed = await sniffMedia(bytes);
    if (!sniffed) return { url: attachment.url, why: "not an image, video or audio file this server accepts" };
    await checkSize(bytes, sniffed, PUBLISHED_SIZE_LIMITS, "file");
    const processed = await writeMediaFiles(storage, "attachments", row, { bytes, sniffed }, PUBLISHED_SIZE_LIMITS.imageMatrixLimit, written);
    return { id: row.id, processed, description: attachment.description, focusX: attachment.focusX, focusY: attachment.focusY };
  } catch (error) {
    return { url: attachment.url, why: (error as Error).message };
  }
}
