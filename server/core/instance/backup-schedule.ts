import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import { write } from "../write.ts";

/**
 * The scheduled backups' settings and their record, in instance_settings (a key each, JSON values): the
 * record outlives a restart, so the next run is due from the last success, not from the start.
 */

export const BACKUP_INTERVALS = ["daily", "weekly", "off"] as const;
export type BackupInterval = (typeof BACKUP_INTERVALS)[number];

export const DEFAULT_BACKUPS_KEPT = 7;
/** Beyond this a slip of the keyboard (700 for 7) would fill the disk. */
export const MAX_BACKUPS_KEPT = 365;

export interface BackupScheduleSettings {
  /** The folder scheduled backups go to; null until the owner picks one (nothing is scheduled before). */
  folder: string | null;
  interval: BackupInterval;
  /** How many Hearth backups to keep in the folder; older ones are deleted after a backup succeeds. */
  keep: number;
}

export interface BackupSuccess {
  at: string;
  file: string;
  bytes: number;
}

export interface BackupFailure {
  at: string;
  /** One sentence a person can act on. */
  reason: string;
}

export interface BackupRecord {
  lastSuccess: BackupSuccess | null;
  lastFailure: BackupFailure | null;
}

const SETTINGS_KEY = "backup.schedule";
const LAST_SUCCESS_KEY = "backup.last_success";
const LAST_FAILURE_KEY = "backup.last_failure";

export const DEFAULT_BACKUP_SCHEDULE: BackupScheduleSettings = { folder: null, interval: "daily", keep: DEFAULT_BACKUPS_KEPT };

async function readJson(ctx: CoreContext, key: string): Promise<unknown> {
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", key).executeTakeFirst();
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function checkBackupsKept(keep: number): number {
  if (!Number.isInteger(keep) || keep < 1 || keep > MAX_BACKUPS_KEPT) {
    throw new Invalid(`The number of backups to keep must be a whole number from 1 to ${MAX_BACKUPS_KEPT}.`);
  }
  return keep;
}

export async function getBackupSchedule(ctx: CoreContext): Promise<BackupScheduleSettings> {
  const value = await readJson(ctx, SETTINGS_KEY);
  if (!isRecord(value)) return DEFAULT_BACKUP_SCHEDULE;
  return {
    folder: typeof value.folder === "string" ? value.folder : null,
    interval: BACKUP_INTERVALS.includes(value.interval as BackupInterval) ? (value.interval as BackupInterval) : DEFAULT_BACKUP_SCHEDULE.interval,
    keep: typeof value.keep === "number" && Number.isInteger(value.keep) && value.keep >= 1 ? value.keep : DEFAULT_BACKUPS_KEPT,
  };
}

export async function getBackupRecord(ctx: CoreContext): Promise<BackupRecord> {
  const success = await readJson(ctx, LAST_SUCCESS_KEY);
  const failure = await readJson(ctx, LAST_FAILURE_KEY);
  return {
    lastSuccess:
      isRecord(success) && typeof success.at === "string" && typeof success.file === "string" && typeof success.bytes === "number"
        ? { at: success.at, file: success.file, bytes: success.bytes }
        : null,
    lastFailure: isRecord(failure) && typeof failure.at === "string" && typeof failure.reason === "string" ? { at: failure.at, reason: failure.reason } : null,
  };
}

async function put(ctx: CoreContext, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  const updatedAt = ctx.clock.now().toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("instance_settings")
      .values({ key, value: text, updated_at: updatedAt })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: text, updated_at: updatedAt }))
      .execute(),
  );
}

/** Stores settings already checked (the folder by the backup room, which knows the file system). */
export async function saveBackupSchedule(ctx: CoreContext, settings: BackupScheduleSettings): Promise<BackupScheduleSettings> {
  const checked = { ...settings, keep: checkBackupsKept(settings.keep) };
  await put(ctx, SETTINGS_KEY, checked);
  return checked;
}

export async function recordBackupSuccess(ctx: CoreContext, success: BackupSuccess): Promise<void> {
  await put(ctx, LAST_SUCCESS_KEY, success);
}

export async function recordBackupFailure(ctx: CoreContext, failure: BackupFailure): Promise<void> {
  await put(ctx, LAST_FAILURE_KEY, failure);
}
