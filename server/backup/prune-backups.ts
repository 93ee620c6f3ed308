import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * The names createBackup gives (hearth-2026-12-07T00-45-12Z.hearth-backup.tar.gz, or -2, -3 for two in one
 * second): only these are Hearth's to delete. Anything else in the folder is the owner's.
 */
const BACKUP_NAME = /^hearth-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(?:-(\d+))?\.hearth-backup\.tar\.gz$/;

function order(name: string): [string, number] {
  const match = BACKUP_NAME.exec(name);
  return [match?.[1] ?? "", Number(match?.[2] ?? 1)];
}

/** When a backup was made, read from the name Hearth gave it (to the second); undefined for any other name. */
export function backupTimeFromName(name: string): string | undefined {
  const stamp = BACKUP_NAME.exec(name)?.[1];
  if (stamp === undefined) return undefined;
  const [date, time] = stamp.split("T") as [string, string];
  return `${date}T${time.replaceAll("-", ":").replace(/Z$/, ".000Z")}`;
}

/** Hearth's backup files in a folder, oldest first (by the time in their names, which is when they were made). */
export async function listBackupFiles(folder: string): Promise<string[]> {
  const names = (await readdir(folder)).filter((name) => BACKUP_NAME.test(name));
  const files: string[] = [];
  for (const name of names) {
    // A folder or a link under a backup's name is not one Hearth wrote.
    if ((await lstat(join(folder, name))).isFile()) files.push(name);
  }
  return files.sort((a, b) => {
    const [timeA, nA] = order(a);
    const [timeB, nB] = order(b);
    return timeA === timeB ? nA - nB : timeA < timeB ? -1 : 1;
  });
}

/** Deletes all but the newest `keep` Hearth backups in the folder; returns the paths deleted. */
export async function pruneBackups(folder: string, keep: number): Promise<string[]> {
  const files = await listBackupFiles(folder);
  const doomed = files.slice(0, Math.max(0, files.length - keep)).map((name) => join(folder, name));
  for (const path of doomed) await rm(path);
  return doomed;
}
