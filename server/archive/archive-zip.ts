import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { UserError } from "../user-error.ts";

/**
 * A Mastodon archive opened for reading, with every entry checked before anything is read: a zip that could
 * fill the disk (a bomb) or write outside where it is read (`..`, absolute paths, symlinks) is refused whole,
 * so an import never begins on an archive it would have to give up half-way.
 */
export interface ArchiveZip {
  /** The entry named exactly so (the archive's top-level JSON files), if present. */
  entry(name: string): yauzl.Entry | undefined;
  /** The entry a media URL names: its path without a leading "/", matched by suffix, since hosts on object storage write longer paths than the zip's. */
  mediaEntry(url: string): yauzl.Entry | undefined;
  open(entry: yauzl.Entry): Promise<Readable>;
  close(): void;
}

export interface ZipLimits {
  /** The sum of the entries' uncompressed sizes. */
  totalBytes: number;
  /** Uncompressed over compressed, for entries larger than ratioFloorBytes; text compresses ~10:1, a bomb 1000:1. */
  ratio: number;
  ratioFloorBytes: number;
  entries: number;
}

export const ARCHIVE_ZIP_LIMITS: ZipLimits = { totalBytes: 32 * 1024 ** 3, ratio: 200, ratioFloorBytes: 1024 ** 2, entries: 1_000_000 };

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX = 3;

function isSymlink(entry: yauzl.Entry): boolean {
  return entry.versionMadeBy >> 8 === UNIX && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function escapes(name: string): boolean {
  return name.startsWith("/") || /^[a-zA-Z]:/.test(name) || name.includes("\\") || name.split("/").includes("..");
}

function refusal(file: string, error: Error): UserError {
  // yauzl checks names itself when it decodes them; its refusals of a path are the escape case too.
  if (/relative path|absolute path|invalid characters/.test(error.message)) {
    return new UserError(`${file} has an entry that points outside the archive (${error.message}); nothing was imported.`);
  }
  return new UserError(`${file} is not a readable zip archive (${error.message}); nothing was imported. Download the archive again from your old server.`);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(refusal(file, error));
      else resolve(zip);
    });
  });
}

function readEntries(file: string, zip: yauzl.ZipFile, limits: ZipLimits): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    let total = 0;
    const refuse = (error: UserError) => {
      zip.close();
      reject(error);
    };
    zip.on("error", (error: Error) => refuse(refusal(file, error)));
    zip.on("entry", (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (escapes(name)) return refuse(new UserError(`${file} has an entry that points outside the archive (${name}); nothing was imported.`));
      if (isSymlink(entry)) return refuse(new UserError(`${file} has a symbolic link (${name}), which a Mastodon archive never has; nothing was imported.`));
      total += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.ratio) {
        return refuse(new UserError(`${file} looks like a zip bomb: ${name} would unpack to ${Math.round(ratio)} times its packed size; nothing was imported.`));
      }
      if (total > limits.totalBytes) {
        return refuse(new UserError(`${file} would unpack to more than ${Math.round(limits.totalBytes / 1024 ** 3)} GB, more than any Mastodon archive; nothing was imported.`));
      }
      if (entries.length >= limits.entries) return refuse(new UserError(`${file} has more than ${limits.entries} files, more than any Mastodon archive; nothing was imported.`));
      if (!name.endsWith("/")) entries.push(entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(entries));
    zip.readEntry();
  });
}

function urlPath(url: string): string {
  let path = url;
  try {
    if (/^[a-z]+:\/\//i.test(url)) path = new URL(url).pathname;
  } catch {
    // Not a URL: taken as the path it probably is.
  }
  path = path.split("?")[0] ?? "";
  try {
    path = decodeURIComponent(path);
  } catch {
    // A stray "%" stays as written.
  }
  return path.replace(/^\/+/, "");
}

export async function openArchiveZip(file: string, limits: ZipLimits = ARCHIVE_ZIP_LIMITS): Promise<ArchiveZip> {
  const zip = await openZip(file);
  const entries = await readEntries(file, zip, limits);
  const byName = new Map(entries.map((entry) => [entry.fileName, entry]));
  // Media by file name; the suffix check picks among the (rare) files sharing one.
  const byBaseName = new Map<string, yauzl.Entry[]>();
  for (const entry of entries) {
    const base = entry.fileName.slice(entry.fileName.lastIndexOf("/") + 1);
    const sharing = byBaseName.get(base);
    if (sharing) sharing.push(entry);
    else byBaseName.set(base, [entry]);
  }
  return {
    entry: (name) => byName.get(name),
    mediaEntry(url) {
      const path = urlPath(url);
      if (path === "") return undefined;
      // What Mastodon writes: the URL's path is the entry's name. Files may share a base name by the
      // thousand (original.png in folders by id), and the suffix scan below would then read them all.
      const exact = byName.get(path);
      if (exact) return exact;
      const base = path.slice(path.lastIndexOf("/") + 1);
      const candidates = byBaseName.get(base) ?? [];
      return candidates.find((entry) => path.endsWith(entry.fileName) || entry.fileName.endsWith(path));
    },
    open(entry) {
      return new Promise((resolve, reject) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error) reject(refusal(file, error));
          else resolve(stream);
        });
      });
    },
    close: () => zip.close(),
  };
}

/** An entry's bytes, for the small ones (media files); limited so a lying header cannot take all memory. */
export async function readEntryBytes(archive: ArchiveZip, entry: yauzl.Entry): Promise<Uint8Array> {
  const stream = await archive.open(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
