/**
 * A blurhash (https://github.com/woltapp/blurhash), the same string the `blurhash` package's encode gives for
 * the same pixels, computed faster: that encode converts every pixel from sRGB (a Math.pow) and computes both
 * cosines once per pixel for every component, which made it a third of an archive import's main-thread time
 * for pictures (issue #17). Here the 256 sRGB values are converted once, each pixel once per channel, and the
 * cosines once per column and row, by the same expressions in the same order, so each sum is the same double.
 */

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function sRGBToLinear(value: number): number {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

const LINEAR = Float64Array.from({ length: 256 }, (_, value) => sRGBToLinear(value));

function linearTosRGB(value: number): number {
  const v = Math.max(0, Math.min(1, value));
  return v <= 0.0031308 ? Math.trunc(v * 12.92 * 255 + 0.5) : Math.trunc((1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

function signPow(value: number, exponent: number): number {
  return (value < 0 ? -1 : 1) * Math.pow(Math.abs(value), exponent);
}

function encode83(n: number, length: number): string {
  let result = "";
  for (let i = 1; i <= length; i++) result += DIGITS[Math.floor((Math.floor(n) / Math.pow(83, length - i)) % 83)];
  return result;
}

function quantiseAC(value: number, maximum: number): number {
  return Math.floor(Math.max(0, Math.min(18, Math.floor(signPow(value / maximum, 0.5) * 9 + 9.5))));
}

/** RGBA pixels, row by row (sharp's raw output with an alpha channel). */
export function encodeBlurhash(pixels: Uint8Array, width: number, height: number, componentX: number, componentY: number): string {
  if (componentX < 1 || componentX > 9 || componentY < 1 || componentY > 9) throw new RangeError("A blurhash has between 1 and 9 components each way.");
  if (width * height * 4 !== pixels.length) throw new RangeError("The pixels do not match the width and height.");
  const count = width * height;
  const red = new Float64Array(count);
  const green = new Float64Array(count);
  const blue = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    red[index] = LINEAR[pixels[index * 4] as number] as number;
    green[index] = LINEAR[pixels[index * 4 + 1] as number] as number;
    blue[index] = LINEAR[pixels[index * 4 + 2] as number] as number;
  }
  const factors: Array<[number, number, number]> = [];
  const cosX = new Float64Array(width);
  const cosY = new Float64Array(height);
  for (let y = 0; y < componentY; y++) {
    for (let j = 0; j < height; j++) cosY[j] = Math.cos((Math.PI * y * j) / height);
    for (let x = 0; x < componentX; x++) {
      const normalisation = x === 0 && y === 0 ? 1 : 2;
      for (let i = 0; i < width; i++) cosX[i] = Math.cos((Math.PI * x * i) / width);
      let r = 0;
      let g = 0;
      let b = 0;
      // Columns outside, rows inside, as the reference sums them: a different order would round differently.
      for (let i = 0; i < width; i++) {
        const column = normalisation * (cosX[i] as number);
        for (let j = 0; j < height; j++) {
          const basis = column * (cosY[j] as number);
          const index = i + j * width;
          r += basis * (red[index] as number);
          g += basis * (green[index] as number);
          b += basis * (blue[index] as number);
        }
      }
      const scale = 1 / count;
      factors.push([r * scale, g * scale, b * scale]);
    }
  }
  const [dc, ...ac] = factors as [[number, number, number], ...Array<[number, number, number]>];
  let hash = encode83(componentX - 1 + (componentY - 1) * 9, 1);
  let maximum = 1;
  if (ac.length > 0) {
    const actualMaximum = Math.max(...ac.map((factor) => Math.max(...factor)));
    const quantisedMaximum = Math.floor(Math.max(0, Math.min(82, Math.floor(actualMaximum * 166 - 0.5))));
    maximum = (quantisedMaximum + 1) / 166;
    hash += encode83(quantisedMaximum, 1);
  } else {
    hash += encode83(0, 1);
  }
  hash += encode83((linearTosRGB(dc[0]) << 16) + (linearTosRGB(dc[1]) << 8) + linearTosRGB(dc[2]), 4);
  for (const [r, g, b] of ac) hash += encode83(quantiseAC(r, maximum) * 19 * 19 + quantiseAC(g, maximum) * 19 + quantiseAC(b, maximum), 2);
  return hash;
}
