import type { default as SharpFunction, Sharp } from "sharp";
import { UserError } from "../user-error.ts";

let loadingSharp: Promise<typeof SharpFunction> | undefined;

/**
 * sharp is loaded with the first image, not at start: it maps libvips and its codecs (tens of MB resident)
 * into a process that may see no upload for days (issue #19).
 */
function loadSharp(): Promise<typeof SharpFunction> {
  loadingSharp ??= import("sharp").then((loaded) => loaded.default);
  return loadingSharp;
}

/** Mastodon's size entry in an attachment's meta (original, small). */
export interface ImageDimensions {
  width: number;
  height: number;
  size: string;
  aspect: number;
}

export function dimensionsOf(width: number, height: number): ImageDimensions {
  return { width, height, size: `${width}x${height}`, aspect: width / height };
}

export interface EncodedImage {
  bytes: Buffer;
  contentType: string;
  dimensions: ImageDimensions;
}

export interface ProcessedImage {
  original: EncodedImage;
  small: EncodedImage;
  blurhash: string;
}

/** Mastodon keeps images up to 3840x2160's worth of pixels, whatever their shape, and scales larger ones down. */
export const ORIGINAL_PIXEL_LIMIT = 3840 * 2160;
/** The preview ("small") fits in this square. */
export const SMALL_BOX = 640;
// Blurhash needs only a few pixels: 4x4 components (Mastodon's) are read from at most 16x16 of them. The
// package's cost grows with pixels times components, and on an import of thousands of pictures it runs on the
// serving thread once a picture (32x32 made it a third of the import's main-thread time for pictures).
const BLURHASH_SOURCE_BOX = 16;
const BLURHASH_COMPONENTS = 4;

const UNREADABLE = "The image could not be read; the file may be damaged or cut short.";

interface ImageHeader {
  /** As displayed: EXIF orientation applied. */
  width: number;
  height: number;
  format: string;
  isAnimated: boolean;
}

/**
 * Width and height as shown (after EXIF rotation), from the header alone: cheap enough to check an upload
 * against the matrix limit before accepting it.
 */
export async function readImageHeader(bytes: Uint8Array): Promise<ImageHeader> {
  const sharp = await loadSharp();
  try {
    const metadata = await sharp(bytes).metadata();
    const pages = metadata.pages ?? 1;
    return {
      width: metadata.autoOrient.width,
      height: metadata.pageHeight && pages > 1 ? metadata.pageHeight : metadata.autoOrient.height,
      format: metadata.format,
      isAnimated: pages > 1,
    };
  } catch {
    throw new UserError(UNREADABLE);
  }
}

/** An image opened for processing: rotated upright (EXIF), every frame of an animation, nothing decoded yet. */
async function open(bytes: Uint8Array, isAnimated: boolean, matrixLimit: number): Promise<Sharp> {
  const sharp = await loadSharp();
  return sharp(bytes, { animated: isAnimated, autoOrient: !isAnimated, limitInputPixels: matrixLimit });
}

/**
 * Encodes in the upload's own format where clients everywhere show it; AVIF becomes WebP, which older phones
 * can show too. Nothing of the input's metadata (EXIF, GPS, camera) is kept: sharp writes none unless asked.
 */
function encodeAs(pipeline: Sharp, format: string): { pipeline: Sharp; contentType: string } {
  switch (format) {
    case "jpeg":
      return { pipeline: pipeline.jpeg({ quality: 90, progressive: true }), contentType: "image/jpeg" };
    case "png":
      return { pipeline: pipeline.png(), contentType: "image/png" };
    case "gif":
      return { pipeline: pipeline.gif(), contentType: "image/gif" };
    default:
      return { pipeline: pipeline.webp({ quality: 90 }), contentType: "image/webp" };
  }
}

/** The size to scale to so the image has at most `limit` pixels, keeping its shape. */
export function fitPixelLimit(width: number, height: number, limit: number): { width: number; height: number } {
  if (width * height <= limit) return { width, height };
  const scale = Math.sqrt(limit / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

async function encodeOriginal(bytes: Uint8Array, header: ImageHeader, matrixLimit: number): Promise<EncodedImage> {
  const target = fitPixelLimit(header.width, header.height, ORIGINAL_PIXEL_LIMIT);
  let pipeline = await open(bytes, header.isAnimated, matrixLimit);
  if (target.width !== header.width || target.height !== header.height) {
    pipeline = pipeline.resize(target.width, target.height, { fit: "inside" });
  }
  const encoded = encodeAs(pipeline, header.format);
  const { data, info } = await encoded.pipeline.toBuffer({ resolveWithObject: true });
  return { bytes: data, contentType: encoded.contentType, dimensions: dimensionsOf(info.width, info.pageHeight ?? info.height) };
}

function isOpaque(rgba: Buffer): boolean {
  for (let index = 3; index < rgba.length; index += 4) if (rgba[index] !== 255) return false;
  return true;
}

interface Preview {
  small: EncodedImage;
  blurhash: string;
}

/**
 * The preview (the first frame, fitting SMALL_BOX) and its blurhash, from one decode: JPEG where the image is
 * opaque, PNG where it is see-through.
 */
export async function makePreview(bytes: Uint8Array, matrixLimit: number): Promise<Preview> {
  const sharp = await loadSharp();
  const raw = await sharp(bytes, { autoOrient: true, limitInputPixels: matrixLimit })
    .resize(SMALL_BOX, SMALL_BOX, { fit: "inside", withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = raw.info;
  const rawInput = { raw: { width, height, channels: 4 as const } };
  const opaque = isOpaque(raw.data);
  const small = opaque
    ? await sharp(raw.data, rawInput).removeAlpha().jpeg({ quality: 85, progressive: true }).toBuffer()
    : await sharp(raw.data, rawInput).png().toBuffer();
  const tiny = await sharp(raw.data, rawInput)
    .resize(BLURHASH_SOURCE_BOX, BLURHASH_SOURCE_BOX, { fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // blurhash is small, but only ever needed here.
  const { encode: encodeBlurhash } = await import("blurhash");
  const blurhash = encodeBlurhash(new Uint8ClampedArray(tiny.data), tiny.info.width, tiny.info.height, BLURHASH_COMPONENTS, BLURHASH_COMPONENTS);
  return {
    small: { bytes: small, contentType: opaque ? "image/jpeg" : "image/png", dimensions: dimensionsOf(width, height) },
    blurhash,
  };
}

/**
 * An uploaded image made safe to serve: upright, stripped of metadata, re-encoded, scaled to Mastodon's size,
 * with its preview and blurhash. A file that does not decode is a UserError (the client sent it).
 */
export async function processImage(bytes: Uint8Array, matrixLimit: number): Promise<ProcessedImage> {
  const header = await readImageHeader(bytes);
  if (header.width * header.height > matrixLimit) throw new UserError(tooManyPixels(header, matrixLimit));
  try {
    const [original, preview] = await Promise.all([encodeOriginal(bytes, header, matrixLimit), makePreview(bytes, matrixLimit)]);
    return { original, ...preview };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(UNREADABLE, { cause: error });
  }
}

export function tooManyPixels(header: { width: number; height: number }, matrixLimit: number): string {
  return `The image is ${header.width}x${header.height} pixels; images may have at most ${matrixLimit.toLocaleString("en")} pixels.`;
}

/** A picture cropped or fitted to a profile's shape: avatars are cropped square, headers fit their banner. */
export interface ProfileImageShape {
  width: number;
  height: number;
  fit: "cover" | "inside";
}

/**
 * A profile picture processed as Mastodon does: upright, stripped, re-encoded; an animated GIF stays animated.
 */
export async function processProfileImage(bytes: Uint8Array, shape: ProfileImageShape, matrixLimit: number): Promise<EncodedImage> {
  const header = await readImageHeader(bytes);
  if (header.width * header.height > matrixLimit) throw new UserError(tooManyPixels(header, matrixLimit));
  try {
    const pipeline = (await open(bytes, header.isAnimated, matrixLimit)).resize(shape.width, shape.height, {
      fit: shape.fit,
      // A small header stays small; an avatar is always made square.
      withoutEnlargement: shape.fit === "inside",
    });
    const encoded = encodeAs(pipeline, header.format);
    const { data, info } = await encoded.pipeline.toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: encoded.contentType, dimensions: dimensionsOf(info.width, info.pageHeight ?? info.height) };
  } catch (error) {
    throw new UserError(UNREADABLE, { cause: error });
  }
}
