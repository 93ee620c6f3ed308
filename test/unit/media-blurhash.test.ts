import { encode as referenceEncode } from "blurhash";
import { describe, expect, it } from "vitest";
import { encodeBlurhash } from "../../server/media/blurhash.ts";

/** Pixels with a pattern in them (a blurhash of noise says little), varied by a seed. */
function pixels(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  let state = seed;
  for (let index = 0; index < width * height; index++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const x = index % width;
    const y = Math.floor(index / width);
    out[index * 4] = (x * 255) / width;
    out[index * 4 + 1] = (y * 255) / height;
    out[index * 4 + 2] = state % 256;
    out[index * 4 + 3] = 255;
  }
  return out;
}

describe("blurhash", () => {
  it("is the same string the blurhash package computes, for shapes and component counts of every kind", () => {
    const cases: Array<[number, number, number, number]> = [
      [32, 24, 4, 4],
      [24, 32, 4, 4],
      [1, 1, 1, 1],
      [17, 5, 9, 9],
      [32, 32, 3, 7],
      [7, 31, 5, 2],
    ];
    for (const [width, height, componentX, componentY] of cases) {
      for (const seed of [1, 2, 3]) {
        const data = pixels(width, height, seed);
        expect(encodeBlurhash(data, width, height, componentX, componentY), `${width}x${height} ${componentX}x${componentY}`).toBe(
          referenceEncode(new Uint8ClampedArray(data), width, height, componentX, componentY),
        );
      }
    }
  });

  it("refuses pixels that do not match their size and component counts out of range", () => {
    expect(() => encodeBlurhash(new Uint8Array(12), 2, 2, 4, 4)).toThrow(RangeError);
    expect(() => encodeBlurhash(new Uint8Array(16), 2, 2, 0, 4)).toThrow(RangeError);
    expect(encodeBlurhash(new Uint8Array(16), 2, 2, 1, 1)).toMatch(/^.{6}$/);
  });
});
