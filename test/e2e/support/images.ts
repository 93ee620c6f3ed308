import sharp from "sharp";

/** A small PNG of one colour with a stripe, made on the spot: a picture to upload, with a known shape. */
export async function testPng(width: number, height: number, colour = "#c0602a"): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const stripe = await sharp({ create: { width, height: Math.max(1, Math.floor(height / 5)), channels: 3, background: "#2a6cc0" } }).png().toBuffer();
  const buffer = await sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: stripe, top: Math.floor(height / 2), left: 0 }])
    .png()
    .toBuffer();
  return { name: `picture-${width}x${height}.png`, mimeType: "image/png", buffer };
}
