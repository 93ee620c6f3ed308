import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { getLogger } from "@logtape/logtape";
import { Pack, extract, type WriteEntry } from "tar";
import { DATABASE_ENTRY, MANIFEST_ENTRY, MEDIA_PREFIX } from "./manifest.ts";
import type { ProgressListener } from "./progress.ts";

/** sha256 of a file, read as a stream: media and databases may be large. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

export interface PackInput {
  /** The folder holding the manifest and the database copy. */
  stagingDir: string;
  /** The data directory's media/ folder. */
  mediaRoot: string;
  /** Paths under media/ to include, with "/" between parts. */
  mediaPaths: readonly string[];
  /** Where to write the archive (a temporary name: the caller renames it once it is sound). */
  to: string;
  onProgress: ProgressListener;
}

/**
 * What the tar reads of a file at once. tar's own default (16 MiB) is one long turn of the event loop per read
 * for the serving instance; a smaller read keeps each turn short.
 */
const READ_BYTES = 1024 * 1024;

/**
 * Writes one gzipped tar: manifest.json first (so a reader learns what the file is before anything else),
 * the database, then the media files, streamed from disk. The staging files and the media come from two
 * folders, so entries are added by absolute path and renamed as their headers are written.
 *
 * Compressed by Node's zlib stream, which runs in libuv's thread pool: tar's own `gzip` option compresses
 * synchronously (minizlib) on the calling thread, which for a backup made by the serving instance stopped
 * every request for the whole of each 16 MiB read (bench/backup.ts: the API's p99 during a backup).
 */
export async function packBackup(input: PackInput): Promise<void> {
  const names = new Map<string, string>([
    [resolve(input.stagingDir, MANIFEST_ENTRY), MANIFEST_ENTRY],
    [resolve(input.stagingDir, DATABASE_ENTRY), DATABASE_ENTRY],
  ]);
  for (const path of input.mediaPaths) names.set(resolve(input.mediaRoot, ...path.split("/")), `${MEDIA_PREFIX}${path}`);
  const total = names.size;
  let done = 0;
  const pack = new Pack({
    portable: true,
    maxReadSize: READ_BYTES,
    // Entries are named by onWriteEntry; the stripped absolute path would otherwise be reported.
    onwarn: () => {},
    onWriteEntry: (entry: WriteEntry) => {
      const name = names.get(entry.absolute);
      if (name !== undefined) entry.path = name;
      done += 1;
      input.onProgress({ step: "packing", done, total });
    },
  });
  const written = pipeline(pack, createGzip(), createWriteStream(input.to, { flags: "wx" }));
  for (const absolute of names.keys()) pack.add(absolute);
  pack.end();
  await written;
}

/** Refused entries are reported, never written: only what a backup holds may land in the folder. */
function isBackupEntry(path: string): boolean {
  if (path === MANIFEST_ENTRY || path === DATABASE_ENTRY) return true;
  if (!path.startsWith(MEDIA_PREFIX)) return false;
  return path.slice(MEDIA_PREFIX.length).split("/").every((part) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(part));
}

/**
 * Unpacks a backup file into an empty folder. strict: a damaged or truncated file (or one that is not a tar
 * at all) fails rather than unpacking what it can. Decompressed by Node's zlib stream in the thread pool, for
 * the reason packBackup compresses with it: a test restore from Settings runs on the serving thread.
 */
export async function unpackBackup(file: string, into: string, onProgress: ProgressListener): Promise<void> {
  onProgress({ step: "unpacking", done: 0, total: 1 });
  const root = resolve(into);
  await mkdir(root, { recursive: true });
  await pipeline(
    createReadStream(file),
    createGunzip(),
    extract({
      cwd: into,
      strict: true,
      preservePaths: false,
      filter: (path) => isBackupEntry(path) && resolve(join(root, path)).startsWith(root + sep),
    }),
  );
  onProgress({ step: "unpacking", done: 1, total: 1 });
}

const logger = getLogger(["hearth", "backup"]);

/**
 * Removes a folder a backup was unpacked into, after success or failure alike, and never throws: what is
 * reported is why the backup was refused, not the clean-up. A refused archive (cut short, damaged) fails the
 * unpacking while tar may still be finishing a file it had begun, so a removal can meet a folder that is not
 * empty yet; it is tried again a few times (fs.rm's own retries on ENOTEMPTY and EBUSY).
 */
export async function removeUnpackedFolder(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  } catch (error) {
    logger.warn("Could not remove the unpacked backup at {path}: {error}", { path, error: (error as Error).message });
  }
}
