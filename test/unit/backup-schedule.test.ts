import { describe, expect, it } from "vitest";
import type { BackupRecord, BackupScheduleSettings } from "../../server/core/instance/backup-schedule.ts";
import { backupFreshness, nextBackupDue } from "../../server/backup/schedule.ts";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const daily: BackupScheduleSettings = { folder: "/backups", interval: "daily", keep: 7 };
const none: BackupRecord = { lastSuccess: null, lastFailure: null };
const succeeded = (iso: string): BackupRecord => ({ lastSuccess: { at: iso, file: "/backups/x.hearth-backup.tar.gz", bytes: 10 }, lastFailure: null });

describe("when the next scheduled backup is due", () => {
  const earliest = at("2026-03-01T12:05:00.000Z");

  it("is never, before a folder is picked or with the interval off", () => {
    expect(nextBackupDue({ ...daily, folder: null }, none, earliest)).toBeNull();
    expect(nextBackupDue({ ...daily, interval: "off" }, succeeded("2026-02-01T00:00:00.000Z"), earliest)).toBeNull();
  });

  it("is as soon as allowed after start when there has been no backup yet", () => {
    expect(nextBackupDue(daily, none, earliest)).toEqual(earliest);
  });

  it("is a day after the last success daily, a week after it weekly", () => {
    const record = succeeded("2026-03-01T13:00:00.000Z");
    expect(nextBackupDue(daily, record, earliest)).toEqual(at("2026-03-02T13:00:00.000Z"));
    expect(nextBackupDue({ ...daily, interval: "weekly" }, record, earliest)).toEqual(at("2026-03-08T13:00:00.000Z"));
  });

  it("waits for the settling time after start or wake when the run was missed while the computer was off", () => {
    // Last success nine days ago: overdue, but it comes at `earliest` (start + settle), not at start.
    const record = succeeded(new Date(earliest.getTime() - 9 * DAY).toISOString());
    expect(nextBackupDue(daily, record, earliest)).toEqual(earliest);
  });

  it("tries again an hour after a failure, not on every tick", () => {
    const record: BackupRecord = { ...succeeded("2026-02-27T12:00:00.000Z"), lastFailure: { at: "2026-03-01T12:10:00.000Z", reason: "The disk is full." } };
    expect(nextBackupDue(daily, record, earliest)).toEqual(at("2026-03-01T13:10:00.000Z"));
    // A failure older than the last success no longer delays anything.
    const recovered: BackupRecord = { ...succeeded("2026-03-01T13:00:00.000Z"), lastFailure: { at: "2026-03-01T12:10:00.000Z", reason: "The disk is full." } };
    expect(nextBackupDue(daily, recovered, earliest)).toEqual(at("2026-03-02T13:00:00.000Z"));
  });
});

describe("whether the owner is warned about backups", () => {
  const now = at("2026-03-10T12:00:00.000Z");

  it("is quiet when the last good backup is less than a week old", () => {
    expect(backupFreshness(succeeded("2026-03-10T10:00:00.000Z"), null, now)).toEqual({ state: "fresh", lastGoodAt: "2026-03-10T10:00:00.000Z", warning: null });
  });

  it("warns when the last good backup is older than a week, with its age in days", () => {
    expect(backupFreshness(succeeded("2026-03-01T11:00:00.000Z"), null, now)).toEqual({
      state: "stale",
      lastGoodAt: "2026-03-01T11:00:00.000Z",
      warning: "No backup for 9 days.",
    });
  });

  it("counts a backup file found in the folder (one `hearth backup` made) as a good backup", () => {
    expect(backupFreshness(succeeded("2026-03-01T11:00:00.000Z"), "2026-03-10T11:00:00.000Z", now).state).toBe("fresh");
  });

  it("warns with the reason when the last run failed, even if the last good one is recent", () => {
    const record: BackupRecord = { ...succeeded("2026-03-09T12:00:00.000Z"), lastFailure: { at: "2026-03-10T11:00:00.000Z", reason: "The disk is full." } };
    expect(backupFreshness(record, null, now)).toEqual({ state: "failed", lastGoodAt: "2026-03-09T12:00:00.000Z", warning: "The last backup failed: The disk is full." });
  });

  it("warns when there has never been a backup", () => {
    expect(backupFreshness(none, null, now).state).toBe("none");
    expect(backupFreshness(none, null, now).warning).toMatch(/no backup yet/);
  });
});
