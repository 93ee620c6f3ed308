import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";

/**
 * The files under <dataDir>/media. Every stored file is named by a relative path with "/" between its parts,
 * the same path that follows /media/ in its URL and that the database keeps (media_attachments.file,
 * accounts.avatar_file). A file is written whole or not at all: readers (and a backup) never see half of one.
 */
export interface MediaStorage {
  /** The absolute folder everything is under. */
  readonly root: string;
  /** Writes bytes at a relative path, atomically: a temporary file renamed into place. */
  write(relativePath: string, bytes: Uint8Array): Promise<void>;
  /** Removes a stored file; one already gone is not an error. */
  remove(relativePath: string): Promise<void>;
  /** The absolute path of a stored file's relative path, or undefined for one that would leave the root. */
  resolve(relativePath: string): string | undefined;
}

/** <dataDir>/media: the folder a backup copies along with hearth.db. */
export function mediaRootOf(dataDir: string): string {
  return join(dataDir, "media");
}

// Dots first (hidden files, "..", our temporary files), separators of any platform, NUL, and ":" (a Windows
// drive or alternate data stream) never belong in a stored name.
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** The parts of a relative path when every part is a plain name; undefined otherwise. */
export function safePathSegments(relativePath: string): string[] | undefined {
  const segments = relativePath.split("/");
  if (segments.length === 0 || !segments.every((segment) => SAFE_SEGMENT.test(segment))) return undefined;
  return segments;
}

/** A random part for file names: media URLs are public, so they must not be guessable from an id. */
export function randomFileToken(): string {
  return randomBytes(8).toString("hex");
}

export function createMediaStorage(root: string): MediaStorage {
  const absoluteRoot = resolve(root);
  const resolvePath = (relativePath: string): string | undefined => {
    const segments = safePathSegments(relativePath);
    if (!segments) return undefined;
    const path = join(absoluteRoot, ...segments);
    return path.startsWith(absoluteRoot + sep) ? path : undefined;
  };
  const mustResolve = (relativePath: string): string => {
    const path = resolvePath(relativePath);
    if (!path) throw new Error(`"${relativePath}" is not a path inside the media folder.`);
    return path;
  };

  return {
    root: absoluteRoot,
    resolve: resolvePath,
    async write(relativePath, bytes) {
      const target = mustResolve(relativePath);
      await mkdir(dirname(target), { recursive: true });
      // The temporary name starts with a dot, which the file server never serves.
      const temporary = join(dirname(target), `.upload-${randomFileToken()}.tmp`);
      try {
        const handle = await open(temporary, "wx");
        try {
          await handle.writeFile(bytes);
          // On disk before the rename makes it visible, so a power cut leaves no empty file under the name.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async remove(relativePath) {
      try {
        await unlink(mustResolve(relativePath));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    },
  };
}
