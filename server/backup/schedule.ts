import type { BackupInterval, BackupRecord, BackupScheduleSettings } from "../core/instance/backup-schedule.ts";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const INTERVAL_MS: Record<Exclude<BackupInterval, "off">, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };
/** A failed run is tried again after this, not on every tick: a full disk or a missing drive needs a person. */
export const RETRY_AFTER_FAILURE_MS = HOUR_MS;
/**
 * A run missed while the computer was off or asleep waits this long after start or wake: the instance first
 * catches up with its peers and the person gets their timeline, then the backup runs.
 */
export const SETTLE_AFTER_WAKE_MS = 5 * 60 * 1000;
/** Older than this, the last good backup is a warning in settings and the tray. */
export const STALE_AFTER_MS = 7 * DAY_MS;

function timeOf(iso: string | undefined): number {
  const at = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
}

/** Whether the last attempt failed: a failure recorded after the last success (or with none). */
export function lastRunFailed(record: BackupRecord): boolean {
  return record.lastFailure !== null && timeOf(record.lastFailure.at) >= timeOf(record.lastSuccess?.at);
}

/**
 * When the next scheduled backup is due; null when none is scheduled (no folder yet, or interval off).
 * Due one interval after the last success, an hour after a failure, and never before `earliest` (the time
 * the instance started or woke, plus the settling time), so a missed run comes soon after start, not during it.
 */
export function nextBackupDue(settings: BackupScheduleSettings, record: BackupRecord, earliest: Date): Date | null {
  if (settings.folder === null || settings.interval === "off") return null;
  let due = timeOf(record.lastSuccess?.at) + INTERVAL_MS[settings.interval];
  if (lastRunFailed(record)) due = Math.max(due, timeOf(record.lastFailure?.at) + RETRY_AFTER_FAILURE_MS);
  return new Date(Math.max(due, earliest.getTime()));
}

export type FreshnessState = "fresh" | "stale" | "failed" | "none";

export interface BackupFreshness {
  state: FreshnessState;
  /** The last good backup's time, whichever way it was made. */
  lastGoodAt: string | null;
  /** One sentence when the owner should act; null when all is well. */
  warning: string | null;
}

/** "3 days", "1 day": the age of a backup, as the warning says it. */
export function daysSince(at: number, now: Date): string {
  const days = Math.floor((now.getTime() - at) / DAY_MS);
  return `${days} day${days === 1 ? "" : "s"}`;
}

/**
 * Whether the owner should worry: the last run failed, the last good backup is older than a week, or there is
 * none. lastGoodAt is the newest of the recorded success and any backup file found (`hearth backup` made one).
 */
export function backupFreshness(record: BackupRecord, lastFoundAt: string | null, now: Date): BackupFreshness {
  const good = Math.max(timeOf(record.lastSuccess?.at), timeOf(lastFoundAt ?? undefined));
  const lastGoodAt = Number.isFinite(good) ? new Date(good).toISOString() : null;
  if (record.lastFailure && timeOf(record.lastFailure.at) >= good) {
    return { state: "failed", lastGoodAt, warning: `The last backup failed: ${record.lastFailure.reason}` };
  }
  if (lastGoodAt === null) return { state: "none", lastGoodAt, warning: "There is no backup yet: pick a folder for scheduled backups or back up now." };
  if (now.getTime() - good > STALE_AFTER_MS) return { state: "stale", lastGoodAt, warning: `No backup for ${daysSince(good, now)}.` };
  return { state: "fresh", lastGoodAt, warning: null };
}
