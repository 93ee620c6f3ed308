import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { sha256OfFile } from "./archive-file.ts";
import type { BackupManifest } from "./manifest.ts";

/** media/cache/ holds copies of other servers' media (remote-cache.ts, remote-account-images.ts). */
const REMOTE_MEDIA_FOLDER = "cache";

async function walk(root: string, relative: string[], found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, ...relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    // Dot names are files being written (storage.ts writes to a dot name, then renames): never half a file.
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) await walk(root, [...relative, entry.name], found);
    else if (entry.isFile()) found.push([...relative, entry.name].join("/"));
  }
}

/** The media files to back up, each with its size and hash; a file removed while this runs is left out. */
export async function listMediaFiles(mediaRoot: string, options: { includeRemoteMedia: boolean }): Promise<BackupManifest["media"]> {
  const paths: string[] = [];
  await walk(mediaRoot, [], paths);
  const files: BackupManifest["media"] = [];
  for (const path of paths.sort()) {
    if (!options.includeRemoteMedia && path.startsWith(`${REMOTE_MEDIA_FOLDER}/`)) continue;
    const absolute = join(mediaRoot, ...path.split("/"));
    try {
      const size = (await stat(absolute)).size;
      files.push({ path, bytes: size, sha256: await sha256OfFile(absolute) });
    } catch (error) {
      // The remote cache's pruning or the cleanup of unattached uploads removed it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return files;
}
