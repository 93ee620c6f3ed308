import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../server/core/limits.ts";
import { contentTypeForStoredFile, sniffMedia } from "../../server/media/media-types.ts";
import { readVideoMeta } from "../../server/media/video-meta.ts";
import { mp4 } from "../helpers/media-fixtures.ts";

const encoder = new TextEncoder();

describe("sniffing uploads from their bytes", () => {
  it("recognises the image formats clients send", async () => {
    const pixels = sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } });
    expect(await sniffMedia(await pixels.clone().png().toBuffer())).toEqual({ kind: "image", contentType: "image/png", extension: "png" });
    expect(await sniffMedia(await pixels.clone().jpeg().toBuffer())).toEqual({ kind: "image", contentType: "image/jpeg", extension: "jpg" });
    expect(await sniffMedia(await pixels.clone().gif().toBuffer())).toMatchObject({ kind: "image", contentType: "image/gif" });
    expect(await sniffMedia(await pixels.clone().webp().toBuffer())).toMatchObject({ kind: "image", contentType: "image/webp" });
  });

  it("refuses what is not media, whatever it is called", async () => {
    expect(await sniffMedia(encoder.encode("just some text, though the client called it photo.png"))).toBeUndefined();
    expect(await sniffMedia(encoder.encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeUndefined();
    expect(await sniffMedia(encoder.encode("<!doctype html><html><body>hi</body></html>"))).toBeUndefined();
    // A PDF is a file type file-type knows, but not one we accept.
    expect(await sniffMedia(encoder.encode("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"))).toBeUndefined();
  });

  it("recognises MP4 video and reads its size and duration", async () => {
    const video = mp4({ width: 1920, height: 1080 });
    expect(await sniffMedia(video)).toEqual({ kind: "video", contentType: "video/mp4", extension: "mp4" });
    expect(readVideoMeta(video)).toEqual({ width: 1920, height: 1080, size: "1920x1080", aspect: 1920 / 1080, duration: 5.5, bitrate: Math.round((video.byteLength * 8) / 5.5) });
  });

  it("turns a phone's portrait video upright", () => {
    expect(readVideoMeta(mp4({ width: 1920, height: 1080, quarterTurn: true }))).toMatchObject({ width: 1080, height: 1920, size: "1080x1920" });
  });

  it("answers no video meta for a broken or foreign container rather than throwing", () => {
    const video = mp4({ width: 640, height: 480 });
    const lying = video.slice();
    new DataView(lying.buffer).setUint32(0, 0xffffff00);
    expect(readVideoMeta(lying)).toBeUndefined();
    expect(readVideoMeta(video.slice(0, 40))).toBeUndefined();
    expect(readVideoMeta(encoder.encode("OggS and then nothing"))).toBeUndefined();
  });

  it("publishes every type it accepts, and serves stored files by their extension only", () => {
    for (const type of ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime", "audio/mpeg", "audio/ogg"]) {
      expect(LIMITS.media.supportedMimeTypes).toContain(type);
    }
    expect(contentTypeForStoredFile("attachments/2026-01/1-abc.jpg")).toBe("image/jpeg");
    expect(contentTypeForStoredFile("attachments/2026-01/1-abc-small.png")).toBe("image/png");
    expect(contentTypeForStoredFile("attachments/2026-01/1-abc.mp4")).toBe("video/mp4");
    expect(contentTypeForStoredFile("notes.html")).toBeUndefined();
    expect(contentTypeForStoredFile("picture.svg")).toBeUndefined();
    expect(contentTypeForStoredFile("no-extension")).toBeUndefined();
  });
});
