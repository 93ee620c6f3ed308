import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Pack } from "tar";
import { afterEach, describe, expect, it, vi } from "vitest";
import { packBackup, unpackBackup } from "../../server/backup/archive-file.ts";
import { ignoreProgress } from "../../server/backup/progress.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

/**
 * Node's zlib compresses synchronously, on the calling thread, when `_processChunk` is called without a
 * callback (what minizlib, tar's gzip, does); its streams pass a callback and compress in the thread pool.
 * Counting the former tells whether packing a backup stops the serving instance's event loop.
 */
function countSynchronousCompression(): { calls(): number } {
  let prototype: object | null = zlib.Gzip.prototype;
  while (prototype !== null && !Object.hasOwn(prototype, "_processChunk")) prototype = Object.getPrototypeOf(prototype) as object | null;
  if (prototype === null) throw new Error("node:zlib has no _processChunk: this test needs another way to tell.");
  const spy = vi.spyOn(prototype as { _processChunk(...args: unknown[]): unknown }, "_processChunk");
  return { calls: () => spy.mock.calls.filter((args) => typeof args[2] !== "function").length };
}

/** A staging folder as createBackup leaves it (manifest, database copy) and a media folder with one file. */
function stagedBackup(root: string) {
  const stagingDir = join(root, "staging");
  const mediaRoot = join(root, "media");
  mkdirSync(stagingDir);
  mkdirSync(join(mediaRoot, "uploads"), { recursive: true });
  writeFileSync(join(stagingDir, "manifest.json"), '{"format":"hearth-backup"}\n');
  // 3 MiB that compress somewhat, as database pages do: more than one of the tar's reads.
  const database = Buffer.alloc(3 * 1024 * 1024);
  for (let offset = 0; offset < database.length; offset += 32) createHash("sha256").update(String(offset % 4096)).digest().copy(database, offset);
  writeFileSync(join(stagingDir, "hearth.db"), database);
  writeFileSync(join(mediaRoot, "uploads", "photo.png"), "not really a png");
  return { stagingDir, mediaRoot, database };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("packing a backup file", () => {
  it("compresses and decompresses off the serving thread, and the file unpacks to the same database and media", async () => {
    const dir = makeTempDir("backup-packing");
    try {
      const { stagingDir, mediaRoot, database } = stagedBackup(dir.path);
      const sync = countSynchronousCompression();
      const to = join(dir.path, "backup.partial");
      await packBackup({ stagingDir, mediaRoot, mediaPaths: ["uploads/photo.png"], to, onProgress: ignoreProgress });
      expect(sync.calls()).toBe(0);

      const into = join(dir.path, "unpacked");
      await unpackBackup(to, into, ignoreProgress);
      expect(sync.calls()).toBe(0);
      expect(readFileSync(join(into, "hearth.db")).equals(database)).toBe(true);
      expect(readFileSync(join(into, "manifest.json"), "utf8")).toBe('{"format":"hearth-backup"}\n');
      expect(readFileSync(join(into, "media", "uploads", "photo.png"), "utf8")).toBe("not really a png");
    } finally {
      dir.remove();
    }
  });

  it("(control) the count sees tar's own gzip compressing on this thread", async () => {
    const dir = makeTempDir("backup-packing-control");
    try {
      const { stagingDir } = stagedBackup(dir.path);
      const sync = countSynchronousCompression();
      const pack = new Pack({ gzip: true, cwd: stagingDir });
      const written = pipeline(pack, createWriteStream(join(dir.path, "control.tar.gz")));
      pack.add("hearth.db");
      pack.end();
      await written;
      expect(sync.calls()).toBeGreaterThan(0);
    } finally {
      dir.remove();
    }
  });
});
