import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import { completeUpload, createPendingUpload, discardUpload, failUpload, type MediaFocus } from "../core/media/media.ts";
import { UserError } from "../user-error.ts";
import { readImageHeader, tooManyPixels } from "./image-processing.ts";
import { removeFiles, writeMediaFiles } from "./attachment-files.ts";
import { PUBLISHED_SIZE_LIMITS, sizeLimitFor, sniffMedia, type MediaSizeLimits, type SniffedMedia } from "./media-types.ts";
import type { MediaStorage } from "./storage.ts";
import type { MediaAttachmentRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "media"]);

/** An upload as POST /api/v1/media and /api/v2/media receive it. */
export interface UploadRequest {
  accountId: string;
  file: Uint8Array;
  /** A custom preview for video and audio (Mastodon's `thumbnail`). */
  thumbnail?: Uint8Array;
  description?: string | null;
  focus?: MediaFocus | null;
}

export interface MediaUploads {
  /** Checks, processes and stores the upload before answering with the done row (POST /api/v1/media). */
  upload(request: UploadRequest): Promise<MediaAttachmentRow>;
  /** Checks the upload and answers its pending row at once; the file is processed in the background (v2). */
  uploadInBackground(request: UploadRequest): Promise<MediaAttachmentRow>;
  /** Resolves once every upload in the background is done (or failed): on close, and in tests. */
  settled(): Promise<void>;
}

export interface MediaUploadsOptions {
  core: CoreContext;
  storage: MediaStorage;
  /** Smaller limits for tests; the published ones otherwise. */
  limits?: MediaSizeLimits;
}

function megabytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))} MB`;
}

const NOT_MEDIA =
  "The file is not an image, video or audio file this server accepts (JPEG, PNG, GIF, WebP, AVIF, MP4, WebM, MOV, MP3, Ogg, WAV, FLAC, AAC or M4A).";

/** What the first look at an upload found: its type, and a thumbnail that is an image if one came. */
interface AcceptedUpload {
  request: UploadRequest;
  sniffed: SniffedMedia;
}

export async function checkSize(bytes: Uint8Array, sniffed: SniffedMedia, limits: MediaSizeLimits, what: string): Promise<void> {
  const limit = sizeLimitFor(sniffed.kind, limits);
  if (bytes.byteLength > limit) {
    throw new UserError(`The ${what} is ${megabytes(bytes.byteLength)}; ${sniffed.kind} files may be at most ${megabytes(limit)}.`);
  }
  if (sniffed.kind === "image") {
    const header = await readImageHeader(bytes);
    if (header.width * header.height > limits.imageMatrixLimit) throw new UserError(tooManyPixels(header, limits.imageMatrixLimit));
  }
}

/** The checks made before anything is stored: type from the bytes, size, pixel count. */
async function accept(request: UploadRequest, limits: MediaSizeLimits): Promise<AcceptedUpload> {
  if (request.file.byteLength === 0) throw new UserError("The file is empty.");
  const sniffed = await sniffMedia(request.file);
  if (!sniffed) throw new UserError(NOT_MEDIA);
  await checkSize(request.file, sniffed, limits, "file");
  if (request.thumbnail && sniffed.kind !== "image") {
    const thumbnail = await sniffMedia(request.thumbnail);
    if (thumbnail?.kind !== "image") throw new UserError("The thumbnail must be a JPEG, PNG, GIF, WebP or AVIF image.");
    await checkSize(request.thumbnail, thumbnail, limits, "thumbnail");
  }
  return { request, sniffed };
}

export function createMediaUploads({ core, storage, limits = PUBLISHED_SIZE_LIMITS }: MediaUploadsOptions): MediaUploads {
  const inFlight = new Set<Promise<unknown>>();
  // One upload is processed at a time: decoding a large image takes hundreds of megabytes, and a home
  // computer shares its cores with everything else its owner is doing.
  let queue: Promise<unknown> = Promise.resolve();

  /** Processes a pending row to done; on failure nothing of it stays on disk. */
  async function processUpload(row: MediaAttachmentRow, accepted: AcceptedUpload): Promise<MediaAttachmentRow | undefined> {
    const written: string[] = [];
    try {
      const { request, sniffed } = accepted;
      const media = { bytes: request.file, sniffed, thumbnail: request.thumbnail };
      const processed = await writeMediaFiles(storage, "attachments", row, media, limits.imageMatrixLimit, written);
      const done = await completeUpload(core, row.id, processed);
      // Deleted while it was processed: its files have no row to belong to.
      if (!done) await removeFiles(storage, written);
      return done;
    } catch (error) {
      await removeFiles(storage, written);
      throw error;
    }
  }

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  /** Work that settled() waits for, including what happens after it fails. */
  function track(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  return {
    async upload(request) {
      const accepted = await accept(request, limits);
      const row = await createPendingUpload(core, uploadRow(request, accepted));
      try {
        const job = enqueue(() => processUpload(row, accepted));
        track(job);
        const done = await job;
        if (!done) throw new Error(`Upload ${row.id} disappeared while it was processed.`);
        return done;
      } catch (error) {
        await discardUpload(core, row.id);
        throw error;
      }
    },

    async uploadInBackground(request) {
      const accepted = await accept(request, limits);
      const row = await createPendingUpload(core, uploadRow(request, accepted));
      const job = enqueue(() => processUpload(row, accepted)).catch(async (error: unknown) => {
        if (error instanceof UserError) logger.info("Upload {id} could not be processed: {message}", { id: row.id, message: error.message });
        else logger.error("Processing upload {id} failed: {error}", { id: row.id, error });
        try {
          await failUpload(core, row.id);
        } catch (failError) {
          logger.warn("Could not mark upload {id} as failed: {error}", { id: row.id, error: failError });
        }
      });
      track(job);
      return row;
    },

    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

function uploadRow(request: UploadRequest, accepted: AcceptedUpload) {
  return {
    accountId: request.accountId,
    type: accepted.sniffed.kind,
    contentType: accepted.sniffed.contentType,
    description: request.description ?? null,
    focus: request.focus ?? null,
  };
}
