import sharp, { type Sharp } from "sharp";

/** Media files made in the test, so their every property is known. */

const encoder = new TextEncoder();

/** A picture with something in it: left half red, right half blue. */
export function twoColours(width: number, height: number): Sharp {
  const right = { create: { width: Math.ceil(width / 2), height, channels: 3 as const, background: "#0000ff" } };
  return sharp({ create: { width, height, channels: 3, background: "#ff0000" } }).composite([
    { input: right, left: Math.floor(width / 2), top: 0 },
  ]);
}

/** Random pixels: they do not compress, so a small picture makes a large file. */
export function noise(width: number, height: number): Sharp {
  const pixels = new Uint8Array(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = Math.floor(Math.random() * 256);
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(encoder.encode(type), 4);
  let offset = 8;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function uint32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((value, index) => view.setUint32(index * 4, value >>> 0));
  return out;
}

/**
 * A minimal MP4 laid out as phones write them: ftyp, then moov with a movie header (5.5 seconds) and one video
 * track, then the media data. quarterTurn stores it landscape with a rotation matrix, as portrait video is.
 */
export function mp4({ width, height, quarterTurn = false, dataBytes = 1000 }: { width: number; height: number; quarterTurn?: boolean; dataBytes?: number }): Uint8Array {
  const ftyp = box("ftyp", encoder.encode("isom"), uint32s(0x200), encoder.encode("isomiso2mp41"));
  // Version 0: flags, created, modified, timescale 1000, duration 5500; then rate, volume and the rest.
  const mvhd = box("mvhd", uint32s(0, 0, 0, 1000, 5500), new Uint8Array(80));
  const identity = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
  const rotated = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];
  const tkhd = box("tkhd", uint32s(0, 0, 0, 1, 0, 5500, 0, 0, 0, 0), uint32s(...(quarterTurn ? rotated : identity)), uint32s(width * 65536, height * 65536));
  const hdlr = box("hdlr", uint32s(0, 0), encoder.encode("vide"), new Uint8Array(12), encoder.encode("VideoHandler\0"));
  const moov = box("moov", mvhd, box("trak", tkhd, box("mdia", hdlr)));
  const mdat = box("mdat", Uint8Array.from({ length: dataBytes }, (_, index) => index % 251));
  return new Uint8Array([...ftyp, ...moov, ...mdat]);
}
