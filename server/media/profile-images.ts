import { UserError } from "../user-error.ts";
import { processProfileImage, type ProfileImageShape } from "./image-processing.ts";
import { extensionFor, PUBLISHED_SIZE_LIMITS, sniffMedia } from "./media-types.ts";
import { randomFileToken, type MediaStorage } from "./storage.ts";

export type ProfileImageKind = "avatar" | "header";

/** Mastodon's shapes: avatars cropped to a 400x400 square, headers scaled down to fit 1500x500. */
export const PROFILE_IMAGE_SHAPES: Record<ProfileImageKind, ProfileImageShape> = {
  avatar: { width: 400, height: 400, fit: "cover" },
  header: { width: 1500, height: 500, fit: "inside" },
};

/** The largest avatar or header accepted, before processing (Mastodon's, raised to what phone photos are). */
export const PROFILE_IMAGE_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * Stores an avatar or header for update_credentials: the type is read from the bytes (an image, or 422), the
 * picture is turned upright, stripped of its metadata, re-encoded and sized. Returns the path relative to the
 * media folder, which goes into accounts.avatar_file / header_file (avatarUrl() makes the URL from it).
 * The caller removes the previous file (storage.remove) once the account row points at the new one.
 */
export async function storeProfileImage(storage: MediaStorage, file: File | Uint8Array, kind: ProfileImageKind): Promise<string> {
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(await file.arrayBuffer());
  const sniffed = bytes.byteLength === 0 ? undefined : await sniffMedia(bytes);
  if (sniffed?.kind !== "image") throw new UserError(`The ${kind} must be a JPEG, PNG, GIF, WebP or AVIF image.`);
  if (bytes.byteLength > PROFILE_IMAGE_SIZE_LIMIT) {
    throw new UserError(`The ${kind} is too large: it may be at most ${PROFILE_IMAGE_SIZE_LIMIT / (1024 * 1024)} MB.`);
  }
  const image = await processProfileImage(bytes, PROFILE_IMAGE_SHAPES[kind], PUBLISHED_SIZE_LIMITS.imageMatrixLimit);
  const path = `${kind}s/${randomFileToken()}${randomFileToken()}.${extensionFor(image.contentType)}`;
  await storage.write(path, image.bytes);
  return path;
}
