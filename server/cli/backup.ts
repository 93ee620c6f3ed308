import { existsSync } from "node:fs";
import { createBackup } from "../backup/create-backup.ts";
import type { BackupManifest } from "../backup/manifest.ts";
import { verifyBackup } from "../backup/verify-backup.ts";
import { parseBackupOptions } from "../config.ts";
import { databasePath } from "../db/connection.ts";
import { openDataDirectoryBesideServe, type OpenedDatabase } from "../db/open.ts";
import { startInstance } from "../index.ts";
import { UserError } from "../user-error.ts";
import type { CliIo } from "./run-cli.ts";
import type { ProgressListener } from "../backup/progress.ts";
import { terminalProgress } from "./terminal-progress.ts";

/**
 * The one place a backup command opens a data directory's database: beside a running `serve` too, as the
 * contract says (the online copy reads through SQLite, whatever the server writes meanwhile).
 */
export function openForBackup(dataDir: string): Promise<OpenedDatabase> {
  return openDataDirectoryBesideServe(dataDir);
}

export function describeManifest(manifest: BackupManifest): string[] {
  const { counts } = manifest;
  return [
    `Hearth ${manifest.hearthVersion}, schema ${manifest.lastMigration ?? "none"}, made ${manifest.createdAt}`,
    `domain: ${manifest.domain ?? "(not published)"}`,
    `accounts: ${counts.accounts}, statuses: ${counts.statuses}, follows: ${counts.follows}, media attachments: ${counts.media}`,
    `media files: ${manifest.media.length} (${manifest.media.reduce((sum, file) => sum + file.bytes, 0)} bytes${manifest.includesRemoteMedia ? ", other servers' media included" : ", other servers' media left out"})`,
    ...manifest.actors.map((actor) => `key of @${actor.username}: ${actor.keyId ?? "(no address yet)"} sha256:${actor.rsaPublicKeySha256.slice(0, 16)}…`),
  ];
}

export async function backupCommand(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseBackupOptions(args);
  const display = terminalProgress(io.stderr);
  const onProgress: ProgressListener = ({ step, done, total }) => display.update(step, done, total);
  if (options.kind === "verify") {
    try {
      const verified = await verifyBackup(options.file, startInstance, onProgress);
      display.finish();
      for (const line of describeManifest(verified.manifest)) io.stdout.write(`${line}\n`);
      io.stdout.write(`test restore: @${verified.owner}'s home timeline read through the API (${verified.homeTimelineStatuses} statuses on its first page)\n`);
      io.stdout.write(`${options.file} is sound.\n`);
    } finally {
      display.finish();
    }
    return;
  }
  // Checked before opening, which would create an empty database in a directory that was never set up.
  if (!existsSync(databasePath(options.dataDir))) throw new UserError(`${options.dataDir} holds no Hearth database; there is nothing to back up.`);
  const database = await openForBackup(options.dataDir);
  try {
    const backup = await createBackup({
      sqlite: database.sqlite,
      dataDir: options.dataDir,
      toDir: options.toDir,
      includeRemoteMedia: options.includeRemoteMedia,
      onProgress,
    });
    display.finish();
    for (const line of describeManifest(backup.manifest)) io.stderr.write(`${line}\n`);
    io.stdout.write(`${backup.path}\n`);
  } finally {
    display.finish();
    await database.close();
  }
}
