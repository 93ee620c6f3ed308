import { decode, isBlurhashValid } from "blurhash";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { fitPixelLimit, makePreview, ORIGINAL_PIXEL_LIMIT, processImage, processProfileImage } from "../../server/media/image-processing.ts";
import { PROFILE_IMAGE_SHAPES } from "../../server/media/profile-images.ts";
import { UserError } from "../../server/user-error.ts";
import { twoColours } from "../helpers/media-fixtures.ts";

const MATRIX_LIMIT = 33_177_600;

describe("processing uploaded images", () => {
  it("scales an image over Mastodon's pixel limit down, keeping its shape, and makes a preview within 640x640", async () => {
    const input = await twoColours(4800, 3200).jpeg().toBuffer();
    const image = await processImage(input, MATRIX_LIMIT);
    const { width, height } = image.original.dimensions;
    expect(width * height).toBeLessThanOrEqual(ORIGINAL_PIXEL_LIMIT);
    expect(width / height).toBeCloseTo(1.5, 2);
    expect(image.original.contentType).toBe("image/jpeg");
    expect(await sharp(image.original.bytes).metadata()).toMatchObject({ format: "jpeg", width, height });
    expect(image.small.dimensions).toEqual({ width: 640, height: 427, size: "640x427", aspect: 640 / 427 });
    expect(await sharp(image.small.bytes).metadata()).toMatchObject({ format: "jpeg", width: 640, height: 427 });
  });

  it("leaves a small image its size and reports Mastodon's meta for it", async () => {
    const image = await processImage(await twoColours(300, 200).png().toBuffer(), MATRIX_LIMIT);
    expect(image.original.dimensions).toEqual({ width: 300, height: 200, size: "300x200", aspect: 1.5 });
    expect(image.small.dimensions).toEqual({ width: 300, height: 200, size: "300x200", aspect: 1.5 });
    expect(image.original.contentType).toBe("image/png");
  });

  it("turns a photo upright by its EXIF orientation and keeps none of its metadata", async () => {
    // Stored 300x100 with "rotate 90° clockwise to display" (orientation 6), as a phone held upright writes it.
    const photo = await twoColours(300, 100)
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Make: "PhoneMaker", Model: "Phone 12" }, IFD3: { GPSLatitude: "51/1 30/1 0/1" } } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const image = await processImage(photo, MATRIX_LIMIT);
    expect(image.original.dimensions).toMatchObject({ width: 100, height: 300 });
    const stored = await sharp(image.original.bytes).metadata();
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    expect(stored.width).toBe(100);
    // Upright: the red half (left before rotating clockwise) is now on top.
    const { data } = await sharp(image.original.bytes).extract({ left: 50, top: 20, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(60);
  });

  it("computes a blurhash that decodes to the picture's colours", async () => {
    const { blurhash } = await makePreview(await twoColours(400, 200).png().toBuffer(), MATRIX_LIMIT);
    expect(isBlurhashValid(blurhash).result).toBe(true);
    const pixels = decode(blurhash, 32, 16);
    // Left edge reddish, right edge bluish.
    const left = 8 * 32 * 4;
    const right = (8 * 32 + 31) * 4;
    expect(pixels[left]).toBeGreaterThan(pixels[left + 2]!);
    expect(pixels[right + 2]).toBeGreaterThan(pixels[right]!);
  });

  it("keeps transparency in the preview as PNG", async () => {
    const seeThrough = await sharp({ create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    const { small } = await makePreview(seeThrough, MATRIX_LIMIT);
    expect(small.contentType).toBe("image/png");
    expect((await sharp(small.bytes).metadata()).hasAlpha).toBe(true);
  });

  it("keeps an animated GIF animated", async () => {
    const frames = await Promise.all(
      ["#ff0000", "#00ff00", "#0000ff"].map((background) => sharp({ create: { width: 20, height: 10, channels: 3, background } }).raw().toBuffer()),
    );
    const gif = await sharp(Buffer.concat(frames), { raw: { width: 20, height: 30, channels: 3, pageHeight: 10 } })
      .gif({ delay: [100, 100, 100] })
      .toBuffer();
    const image = await processImage(gif, MATRIX_LIMIT);
    expect(image.original.contentType).toBe("image/gif");
    expect(image.original.dimensions).toMatchObject({ width: 20, height: 10 });
    expect((await sharp(image.original.bytes).metadata()).pages).toBe(3);
    expect(image.small.dimensions).toMatchObject({ width: 20, height: 10 });
  });

  it("refuses an image over the matrix limit, and bytes that only start like an image", async () => {
    const big = await twoColours(400, 300).png().toBuffer();
    await expect(processImage(big, 100_000)).rejects.toThrow(/400x300 pixels; images may have at most 100,000 pixels/);
    const truncated = big.subarray(0, 200);
    await expect(processImage(truncated, MATRIX_LIMIT)).rejects.toBeInstanceOf(UserError);
  });

  it("fits pixel limits by area, whatever the shape", () => {
    expect(fitPixelLimit(3840, 2160, ORIGINAL_PIXEL_LIMIT)).toEqual({ width: 3840, height: 2160 });
    expect(fitPixelLimit(2160, 3840, ORIGINAL_PIXEL_LIMIT)).toEqual({ width: 2160, height: 3840 });
    const scaled = fitPixelLimit(8000, 6000, ORIGINAL_PIXEL_LIMIT);
    expect(scaled.width * scaled.height).toBeLessThanOrEqual(ORIGINAL_PIXEL_LIMIT);
    expect(scaled.width).toBe(3325);
  });

  it("crops avatars square and fits headers inside their banner", async () => {
    const landscape = await twoColours(1200, 600).jpeg().toBuffer();
    const avatar = await processProfileImage(landscape, PROFILE_IMAGE_SHAPES.avatar, MATRIX_LIMIT);
    expect(avatar.dimensions).toMatchObject({ width: 400, height: 400 });
    const header = await processProfileImage(landscape, PROFILE_IMAGE_SHAPES.header, MATRIX_LIMIT);
    expect(header.dimensions).toMatchObject({ width: 1000, height: 500 });
    const small = await processProfileImage(await twoColours(200, 100).png().toBuffer(), PROFILE_IMAGE_SHAPES.header, MATRIX_LIMIT);
    expect(small.dimensions).toMatchObject({ width: 200, height: 100 });
  });
});
