import { existsSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { openDatabase } from "../db/connection.ts";
import { migrations } from "../db/migrations/index.ts";
import { UserError } from "../user-error.ts";
import { sha256OfFile, unpackBackup } from "./archive-file.ts";
import {
  BACKUP_FORMAT_VERSION,
  DATABASE_ENTRY,
  differencesFrom,
  MANIFEST_ENTRY,
  MEDIA_PREFIX,
  parseManifest,
  readDatabaseFigures,
  type BackupManifest,
  type DatabaseFigures,
} from "./manifest.ts";
import type { ProgressListener } from "./progress.ts";

export interface CheckedBackup {
  manifest: BackupManifest;
  /** What the unpacked database holds, which agrees with the manifest. */
  figures: DatabaseFigures;
  /** The unpacked hearth.db and media/ folder. */
  databasePath: string;
  mediaDir: string;
}

function unpackFailure(file: string, error: Error): UserError {
  const message = error.message;
  if (/unexpected end|truncated|TAR_BAD_ARCHIVE.*end/i.test(message)) {
    return new UserError(`${file} is cut short (the file ends before the backup does); it cannot be restored, take or copy the backup again.`);
  }
  return new UserError(`${file} is not a Hearth backup, or it is damaged (${message}); nothing was restored.`);
}

/**
 * Unpacks a backup file into an empty folder and proves it sound: a Hearth backup from this Hearth or an
 * older one, every file as the manifest's checksums say, the database whole (integrity_check) and holding
 * what the manifest counted. Throws a UserError of one sentence otherwise.
 */
export async function unpackAndCheckBackup(file: string, into: string, onProgress: ProgressListener): Promise<CheckedBackup> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`There is no backup file at ${file}.`);
  try {
    await unpackBackup(file, into, onProgress);
  } catch (error) {
    throw unpackFailure(file, error as Error);
  }
  const manifestPath = join(into, MANIFEST_ENTRY);
  const manifest = existsSync(manifestPath) ? parseManifest(await readFile(manifestPath, "utf8")) : undefined;
  if (!manifest) throw new UserError(`${file} is not a Hearth backup (it has no Hearth manifest); nothing was restored.`);
  const unknown = manifest.migrations.filter((name) => !(name in migrations));
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION || unknown.length > 0) {
    const what = unknown[0] ? `schema change ${unknown[0]}` : `backup format ${manifest.formatVersion}`;
    throw new UserError(`${file} was made by a newer Hearth (${manifest.hearthVersion}, with ${what}); install that version or newer to restore it.`);
  }
  const total = manifest.media.length + 1;
  onProgress({ step: "checking files", done: 0, total });
  const databasePath = join(into, DATABASE_ENTRY);
  if (!existsSync(databasePath) || (await sha256OfFile(databasePath)) !== manifest.database.sha256) {
    throw new UserError(`${file} is damaged: its database is not the one its manifest describes; it cannot be restored.`);
  }
  const mediaDir = join(into, MEDIA_PREFIX);
  for (const [index, media] of manifest.media.entries()) {
    const path = join(mediaDir, ...media.path.split("/"));
    const isIntact = existsSync(path) && (await stat(path)).size === media.bytes && (await sha256OfFile(path)) === media.sha256;
    if (!isIntact) throw new UserError(`${file} is damaged: the media file ${media.path} is missing or altered; it cannot be restored.`);
    onProgress({ step: "checking files", done: index + 2, total });
  }
  onProgress({ step: "checking the database", done: 0, total: 1 });
  const opened = openDatabase(databasePath);
  let figures: DatabaseFigures;
  try {
    const integrity = opened.sqlite.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new UserError(`${file} is damaged: its database fails SQLite's integrity check (${String(integrity)}).`);
    figures = await readDatabaseFigures(opened.db);
  } finally {
    await opened.db.destroy();
  }
  const differences = differencesFrom(manifest, figures);
  if (differences.length > 0) throw new UserError(`${file} is damaged: its database does not hold what its manifest says (${differences.join("; ")}).`);
  onProgress({ step: "checking the database", done: 1, total: 1 });
  return { manifest, figures, databasePath, mediaDir };
}
