import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { databasePath, prepareDataDirectory } from "../db/connection.ts";
import { lockDataDirectory } from "../db/data-dir-lock.ts";
import { mediaRootOf } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { removeUnpackedFolder } from "./archive-file.ts";
import { unpackAndCheckBackup } from "./check-backup.ts";
import { fileTimestamp } from "./create-backup.ts";
import type { BackupManifest } from "./manifest.ts";
import { ignoreProgress, type ProgressListener } from "./progress.ts";

export interface RestoreRequest {
  file: string;
  dataDir: string;
  now?: () => Date;
  onProgress?: ProgressListener;
}

export interface RestoredBackup {
  manifest: BackupManifest;
  /** What the restore moved aside (hearth.db.before-restore-<time>, media.before-restore-<time>). */
  keptAside: string[];
}

/** SQLite finds a database's journal files by its name, so they move with it under the new name. */
const DATABASE_COMPANIONS = ["", "-wal", "-shm"];

/**
 * Restores a backup into a data directory. The backup is unpacked and proven sound beside the directory
 * first, so a refused file (not Hearth's, cut short, from a newer Hearth) leaves the directory untouched; a
 * directory another Hearth serves is refused by its lock. What is replaced is kept beside it, renamed.
 */
export async function restoreBackup(request: RestoreRequest): Promise<RestoredBackup> {
  const onProgress = request.onProgress ?? ignoreProgress;
  const dataDir = resolve(request.dataDir);
  // A sibling of the directory: on its file system (the moves below are renames), yet outside it.
  await mkdir(dirname(dataDir), { recursive: true }).catch(() => {});
  let staging: string;
  try {
    staging = await mkdtemp(`${dataDir}.restoring-`);
  } catch (error) {
    throw new UserError(`Cannot unpack the backup beside ${dataDir}: ${(error as Error).message}.`);
  }
  try {
    const checked = await unpackAndCheckBackup(request.file, staging, onProgress);
    prepareDataDirectory(dataDir);
    const lock = lockDataDirectory(dataDir);
    try {
      onProgress({ step: "restoring", done: 0, total: 1 });
      const stamp = fileTimestamp((request.now ?? (() => new Date()))());
      const keptAside: string[] = [];
      const current = databasePath(dataDir);
      for (const suffix of DATABASE_COMPANIONS) {
        if (!existsSync(`${current}${suffix}`)) continue;
        const aside = `${current}.before-restore-${stamp}${suffix}`;
        await rename(`${current}${suffix}`, aside);
        keptAside.push(aside);
      }
      const media = mediaRootOf(dataDir);
      if (existsSync(media)) {
        const aside = `${media}.before-restore-${stamp}`;
        await rename(media, aside);
        keptAside.push(aside);
      }
      await rename(checked.databasePath, current);
      if (existsSync(checked.mediaDir)) await rename(checked.mediaDir, media);
      else await mkdir(media);
      onProgress({ step: "restoring", done: 1, total: 1 });
      return { manifest: checked.manifest, keptAside };
    } finally {
      lock.release();
    }
  } finally {
    await removeUnpackedFolder(staging);
  }
}
