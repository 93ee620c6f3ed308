import type Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mediaRootOf } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { HEARTH_VERSION } from "../version.ts";
import { packBackup, sha256OfFile } from "./archive-file.ts";
import { copyAndCheckDatabase } from "./database-copy.ts";
import { BACKUP_FILE_SUFFIX, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, DATABASE_ENTRY, MANIFEST_ENTRY, type BackupManifest } from "./manifest.ts";
import { listMediaFiles } from "./media-files.ts";
import { ignoreProgress, type ProgressListener } from "./progress.ts";

export interface BackupRequest {
  /** A connection to the live database (the serving instance's own, or one the command opened). */
  sqlite: Database.Database;
  dataDir: string;
  /** The folder the backup file goes to; created if needed. */
  toDir: string;
  /**
   * Copies of other servers' media. Included unless asked not to: the cache keeps past its retention only
   * what the owner interacted with (remote-media-retention.ts), which is what a peer that has since gone
   * can no longer give back, and the rest is pruned, so it stays small.
   */
  includeRemoteMedia: boolean;
  now?: () => Date;
  onProgress?: ProgressListener;
}

export interface CreatedBackup {
  path: string;
  bytes: number;
  manifest: BackupManifest;
}

/** 2026-12-07T00-45-12Z: sorts by time and has no character a file system refuses. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
}

/**
 * Copies the database with SQLite's online backup (a consistent snapshot, whatever the serving instance
 * writes meanwhile; a file copy of a WAL database is not one), checks the copy, and packs it with the media
 * and a manifest into one file, which appears under its name only once it is whole.
 */
export async function createBackup(request: BackupRequest): Promise<CreatedBackup> {
  const onProgress = request.onProgress ?? ignoreProgress;
  const createdAt = (request.now ?? (() => new Date()))();
  try {
    await mkdir(request.toDir, { recursive: true });
  } catch (error) {
    throw new UserError(`Cannot create the backup folder ${request.toDir}: ${(error as Error).message}.`);
  }
  // Beside the final file, so the rename at the end stays on one file system.
  const staging = await mkdtemp(join(request.toDir, ".hearth-backup-"));
  const partial = join(staging, "backup.partial");
  try {
    const copyPath = join(staging, DATABASE_ENTRY);
    // In a worker thread: the copy and integrity_check are long synchronous calls that would stall the
    // instance's requests on this thread for their whole length.
    const figures = await copyAndCheckDatabase({ sourcePath: request.sqlite.name, copyPath }, onProgress);
    const database = { bytes: (await stat(copyPath)).size, sha256: await sha256OfFile(copyPath) };
    onProgress({ step: "listing media", done: 0, total: 1 });
    const mediaRoot = mediaRootOf(request.dataDir);
    const media = await listMediaFiles(mediaRoot, { includeRemoteMedia: request.includeRemoteMedia });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      hearthVersion: HEARTH_VERSION,
      lastMigration: figures.migrations.at(-1) ?? null,
      createdAt: createdAt.toISOString(),
      includesRemoteMedia: request.includeRemoteMedia,
      ...figures,
      database,
      media,
    };
    await writeFile(join(staging, MANIFEST_ENTRY), `${JSON.stringify(manifest, null, 2)}\n`);
    await packBackup({ stagingDir: staging, mediaRoot, mediaPaths: media.map((file) => file.path), to: partial, onProgress });
    const path = await freeName(request.toDir, `hearth-${fileTimestamp(createdAt)}`);
    await rename(partial, path);
    return { path, bytes: (await stat(path)).size, manifest };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function freeName(dir: string, stem: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const path = join(dir, `${stem}${attempt === 1 ? "" : `-${attempt}`}${BACKUP_FILE_SUFFIX}`);
    if (!existsSync(path)) return path;
  }
}
