import { LIMITS } from "../core/limits.ts";

export type UploadKind = "image" | "video" | "audio";

/** What an upload is, read from its bytes: never from the name or Content-Type the client gave. */
export interface SniffedMedia {
  kind: UploadKind;
  /** The MIME type as stored and served. */
  contentType: string;
  /** The extension stored files of this type get (without the dot). */
  extension: string;
}

function kindOf(contentType: string): UploadKind | undefined {
  const media = LIMITS.media;
  if ((media.imageMimeTypes as readonly string[]).includes(contentType)) return "image";
  if ((media.videoMimeTypes as readonly string[]).includes(contentType)) return "video";
  if ((media.audioMimeTypes as readonly string[]).includes(contentType)) return "audio";
  return undefined;
}

// What file-type calls by another name than the one we list and serve.
const CANONICAL_TYPES: Record<string, string> = { "video/x-m4v": "video/mp4", "audio/x-m4a": "audio/mp4" };

// The extension of stored files by type: every type we accept, and the only extensions we ever write.
const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "video/ogg": "ogv",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/wav": "wav",
  "audio/flac": "flac",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
};

/**
 * The upload's type from its first bytes, when it is one this instance accepts; undefined for anything else
 * (text, archives, SVG, HEIC, a file named .png that is not one).
 */
export async function sniffMedia(bytes: Uint8Array): Promise<SniffedMedia | undefined> {
  // file-type and its tokenizers (a dozen modules) load with the first upload, not at start (issue #19).
  const { fileTypeFromBuffer } = await import("file-type");
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) return undefined;
  // "audio/ogg; codecs=opus" is still audio/ogg.
  const bare = detected.mime.split(";")[0]?.trim() ?? "";
  const contentType = CANONICAL_TYPES[bare] ?? bare;
  const kind = kindOf(contentType);
  const extension = EXTENSIONS[contentType];
  return kind && extension ? { kind, contentType, extension } : undefined;
}

/** The extension for files of a type we store (also the re-encoded images and their previews). */
export function extensionFor(contentType: string): string {
  const extension = EXTENSIONS[contentType];
  if (!extension) throw new Error(`No stored files are of type ${contentType}.`);
  return extension;
}

/** The size limit for a kind of upload, in bytes. */
export function sizeLimitFor(kind: UploadKind, limits: MediaSizeLimits): number {
  return kind === "image" ? limits.imageSizeLimit : limits.videoSizeLimit;
}

/** The limits an upload is checked against: the published ones, or smaller ones a test injects. */
export interface MediaSizeLimits {
  imageSizeLimit: number;
  videoSizeLimit: number;
  imageMatrixLimit: number;
}

export const PUBLISHED_SIZE_LIMITS: MediaSizeLimits = {
  imageSizeLimit: LIMITS.media.imageSizeLimit,
  videoSizeLimit: LIMITS.media.videoSizeLimit,
  imageMatrixLimit: LIMITS.media.imageMatrixLimit,
};

const CONTENT_TYPES_BY_EXTENSION = new Map(Object.entries(EXTENSIONS).map(([type, extension]) => [extension, type]));

/** The Content-Type a stored file is served with; undefined for a name we would never have written. */
export function contentTypeForStoredFile(relativePath: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/.exec(relativePath)?.[1];
  return extension ? CONTENT_TYPES_BY_EXTENSION.get(extension) : undefined;
}
