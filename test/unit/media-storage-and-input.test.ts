import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseFocus, validateDescription } from "../../server/core/media/media.ts";
import { parseRange } from "../../server/http/media-files.ts";
import { createMediaStorage } from "../../server/media/storage.ts";
import { UserError } from "../../server/user-error.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("focal points and descriptions", () => {
  it("reads x,y in [-1, 1]", () => {
    expect(parseFocus("-0.42,0.69")).toEqual({ x: -0.42, y: 0.69 });
    expect(parseFocus("1,-1")).toEqual({ x: 1, y: -1 });
    expect(parseFocus(" 0.5 , .25 ")).toEqual({ x: 0.5, y: 0.25 });
    expect(parseFocus("0,0")).toEqual({ x: 0, y: 0 });
  });

  it("refuses anything else with a sentence", () => {
    for (const bad of ["", "0.5", "0.5,", "1.5,0", "0,-1.01", "a,b", "0,0,0", "NaN,0", "Infinity,0", "1e0,0", "0x1,0"]) {
      expect(() => parseFocus(bad), bad).toThrow(UserError);
    }
    expect(() => parseFocus("2,0")).toThrow(/two numbers from -1.0 to 1.0/);
  });

  it("accepts descriptions up to 1,500 characters, counting characters rather than bytes", () => {
    expect(validateDescription("A cat on a sofa")).toBe("A cat on a sofa");
    expect(validateDescription("")).toBeNull();
    expect(validateDescription("é".repeat(1500))).toHaveLength(1500);
    expect(validateDescription("🐈".repeat(1500))).toHaveLength(3000);
    expect(() => validateDescription("x".repeat(1501))).toThrow(/1501 characters long; media descriptions may be at most 1500/);
  });
});

describe("the media folder", () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });
  function storage() {
    const dir = makeTempDir("media-storage");
    dirs.push(dir);
    return { root: join(dir.path, "media"), storage: createMediaStorage(join(dir.path, "media")) };
  }

  it("writes a file whole under its relative path, leaving no temporary file behind", async () => {
    const { root, storage: media } = storage();
    await media.write("attachments/2026-01/1-abc.png", new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(root, "attachments", "2026-01", "1-abc.png"))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(root, "attachments", "2026-01"))).toEqual(["1-abc.png"]);
    await media.remove("attachments/2026-01/1-abc.png");
    await media.remove("attachments/2026-01/1-abc.png");
    expect(existsSync(join(root, "attachments", "2026-01", "1-abc.png"))).toBe(false);
  });

  it("never resolves a path that could leave the folder or reach a hidden file", async () => {
    const { root, storage: media } = storage();
    for (const escape of ["../hearth.db", "a/../../hearth.db", "..", ".", "", "/etc/passwd", "a//b", "a\\..\\b", ".upload-1.tmp", "a/.hidden", "c:/x", "a\0b"]) {
      expect(media.resolve(escape), escape).toBeUndefined();
    }
    expect(media.resolve("avatars/abc.png")).toBe(join(root, "avatars", "abc.png"));
    await expect(media.write("../outside.png", new Uint8Array([1]))).rejects.toThrow(/not a path inside the media folder/);
  });
});

describe("byte ranges", () => {
  it("reads the three forms of one range", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=990-2000", 1000)).toEqual({ start: 990, end: 999 });
  });

  it("ignores what it does not understand and refuses what lies past the end", () => {
    expect(parseRange(undefined, 1000)).toBeUndefined();
    expect(parseRange("bytes=0-1,5-6", 1000)).toBeUndefined();
    expect(parseRange("items=0-1", 1000)).toBeUndefined();
    expect(parseRange("bytes=-", 1000)).toBeUndefined();
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=5-4", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 1000)).toBe("unsatisfiable");
  });
});
