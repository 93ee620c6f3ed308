import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { UserError } from "../user-error.ts";

/** An upload over its cap: the route answers 413 with the sentence. */
export class UploadTooLarge extends UserError {
  override name = "UploadTooLarge";
}

export function tooLargeSentence(maxBytes: number): string {
  const size = maxBytes >= 1024 * 1024 ? `${Math.floor(maxBytes / (1024 * 1024))} MB` : `${Math.floor(maxBytes / 1024)} KB`;
  return `The file is larger than ${size}, the most an import takes here.`;
}

/**
 * An uploaded file written to disk as it arrives, never held whole in memory: to `<path>.part`, renamed to
 * `path` once whole, so a file under its final name is always complete. Over the cap, or cut off (the page
 * closed mid-upload), the part file is removed and nothing is left behind.
 */
export async function receiveUpload(body: WebReadableStream<Uint8Array> | null, path: string, maxBytes: number): Promise<number> {
  if (!body) throw new UserError("No file was sent: the request's body is empty.");
  const part = `${path}.part`;
  let bytes = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new UploadTooLarge(tooLargeSentence(maxBytes)));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), cap, createWriteStream(part, { flags: "wx" }));
  } catch (error) {
    await rm(part, { force: true });
    if (error instanceof UserError) throw error;
    throw new UserError(`The upload was cut off before its end (${(error as Error).message}); nothing was imported. Send the file again.`);
  }
  if (bytes === 0) {
    await rm(part, { force: true });
    throw new UserError("The file sent is empty; nothing was imported.");
  }
  await rename(part, path);
  return bytes;
}
