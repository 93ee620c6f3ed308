import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";

/**
 * A record, beside hearth.db, that the last process to hold the data directory closed the database cleanly
 * and of the file as it left it. Reading every page (storage-check.ts's quick_check) costs ~14 s of CPU on a
 * 1.5 GB database (issue #19); it is needed when the file may have been damaged since it was last known
 * sound: after a crash, a power cut or a kill mid-write, or when anything changed the file since the stop
 * (a copy, a restore by hand, a disk fault that rewrote it). The record names the file's identity, size and
 * times to the nanosecond, so any write to it after the stop, by anyone, makes the record stale. It is
 * removed before the database is opened for writing, so a process that dies later leaves none.
 */
export function cleanStopPath(databasePath: string): string {
  return `${databasePath}.clean-stop`;
}

function fileState(databasePath: string): string | undefined {
  try {
    const stat = statSync(databasePath, { bigint: true });
    return JSON.stringify({ dev: String(stat.dev), ino: String(stat.ino), size: String(stat.size), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs) });
  } catch {
    return undefined;
  }
}

/** Whether hearth.db is, to the byte and nanosecond, the file a clean stop left (and no WAL holds pages beside it). */
export function isUnchangedSinceCleanStop(databasePath: string): boolean {
  if (existsSync(`${databasePath}-wal`)) return false;
  let recorded: string;
  try {
    recorded = readFileSync(cleanStopPath(databasePath), "utf8");
  } catch {
    return false;
  }
  const state = fileState(databasePath);
  return state !== undefined && recorded === state;
}

/**
 * Forgets the clean stop: called before the database is opened for writing. Returns false when the record
 * could not be removed; the caller then must not count on it (a record that outlives a crash would wave
 * a damaged file through).
 */
export function forgetCleanStop(databasePath: string): boolean {
  try {
    rmSync(cleanStopPath(databasePath), { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Records a clean stop once the last connection closed: the WAL was checkpointed into the file and removed. */
export function recordCleanStop(databasePath: string): void {
  if (existsSync(`${databasePath}-wal`)) return;
  const state = fileState(databasePath);
  if (state === undefined) return;
  try {
    writeFileSync(cleanStopPath(databasePath), state);
  } catch {
    // Without the record the next start checks every page: slower, never less safe.
  }
}
