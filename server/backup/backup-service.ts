import type Database from "better-sqlite3";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CoreContext } from "../core/context.ts";
import { Conflict, Invalid } from "../core/errors.ts";
import {
  getBackupRecord,
  getBackupSchedule,
  recordBackupFailure,
  recordBackupSuccess,
  saveBackupSchedule,
  type BackupInterval,
  type BackupRecord,
  type BackupScheduleSettings,
} from "../core/instance/backup-schedule.ts";
import { UserError } from "../user-error.ts";
import { BACKUP_FILE_SUFFIX } from "./manifest.ts";
import { checkBackupFolder } from "./backup-folder.ts";
import type { BackupProgress } from "./progress.ts";
import { backupTimeFromName, pruneBackups } from "./prune-backups.ts";
import { backupFreshness, nextBackupDue, type BackupFreshness } from "./schedule.ts";
import type { StartInstance } from "./verify-backup.ts";

export type BackupJobKind = "backup" | "verify";

export interface BackupJobState {
  kind: BackupJobKind;
  startedAt: string;
  progress: BackupProgress | null;
}

export interface BackupOutcome {
  kind: BackupJobKind;
  file: string | null;
  finishedAt: string;
  /** Null when it went well; the sentence otherwise. */
  error: string | null;
  /** For a test restore that passed: statuses read from the owner's home timeline. */
  homeTimelineStatuses?: number;
}

export interface LastBackup {
  file: string;
  bytes: number;
  createdAt: string;
}

export interface BackupStatus {
  running: BackupJobState | null;
  last: LastBackup | null;
  /** How the last backup or test restore of this run of Hearth ended. */
  lastOutcome: BackupOutcome | null;
  schedule: BackupScheduleSettings & { nextDueAt: string | null };
  /** The last success and failure of any backup this instance made (scheduled or asked for), kept across restarts. */
  record: BackupRecord;
  freshness: BackupFreshness;
}

export interface BackupScheduleChange {
  /** null forgets the folder (and so stops scheduled backups). */
  folder?: string | null;
  interval?: BackupInterval;
  keep?: number;
}

/** Backups asked for from the web client: one at a time, in the background, progress kept for polling. */
export interface BackupService {
  status(): Promise<BackupStatus>;
  /**
   * Starts a backup of the serving instance into the scheduled backups' folder (the data directory's backups/
   * before one is picked), keeping the last N there; refused while one runs.
   */
  startBackup(): Promise<BackupJobState>;
  /** The folder checked (exists, writable, outside the data directory) and the settings stored. */
  configureSchedule(change: BackupScheduleChange): Promise<BackupScheduleSettings>;
  /** When the scheduler may start the next run: the start or the wake it last saw, plus the settling time. */
  setEarliestRun(at: Date): void;
  /** Starts a test restore of the last backup; refused while one runs or when there is none. */
  startVerify(): Promise<BackupJobState>;
  /** Resolves once nothing runs (a stop waits for it, tests too). */
  settled(): Promise<void>;
}

export interface BackupServiceDependencies {
  sqlite: Database.Database;
  core: CoreContext;
  dataDir: string;
  /** Where the web client's backups go: <dataDir>/backups, as `hearth backup` without --to. */
  backupsDir: string;
  startInstance: StartInstance;
  now?: () => Date;
}

/** The newest whole backup file in the folder: files appear under their name only once complete. */
async function newestBackup(dir: string): Promise<LastBackup | null> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(BACKUP_FILE_SUFFIX) && !name.startsWith("."));
  } catch {
    return null;
  }
  let newest: LastBackup | null = null;
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    // The time in the name is the database snapshot's, as the record has it; a file renamed by hand has only its mtime.
    const createdAt = backupTimeFromName(name) ?? info.mtime.toISOString();
    if (!newest || createdAt > newest.createdAt) newest = { file: join(dir, name), bytes: info.size, createdAt };
  }
  return newest;
}

function reasonOf(error: unknown): string {
  return error instanceof UserError ? error.message : `stopped on an unexpected error: ${(error as Error).message}`;
}

export function createBackupService(deps: BackupServiceDependencies): BackupService {
  const now = deps.now ?? (() => deps.core.clock.now());
  let earliestRun = now();
  let running: BackupJobState | null = null;
  let runningWork: Promise<void> = Promise.resolve();
  let lastOutcome: BackupOutcome | null = null;

  const run = (kind: BackupJobKind, work: (job: BackupJobState) => Promise<Omit<BackupOutcome, "kind" | "finishedAt" | "error">>): BackupJobState => {
    if (running) throw new Conflict(`A ${running.kind === "backup" ? "backup" : "test restore"} is already running; wait for it to end.`);
    const job: BackupJobState = { kind, startedAt: now().toISOString(), progress: null };
    running = job;
    runningWork = work(job).then(
      (outcome) => void (lastOutcome = { kind, finishedAt: now().toISOString(), error: null, ...outcome }),
      (error: unknown) => {
        lastOutcome = { kind, file: null, finishedAt: now().toISOString(), error: reasonOf(error) };
      },
    ).finally(() => {
      running = null;
    });
    return job;
  };

  return {
    async status() {
      const schedule = await getBackupSchedule(deps.core);
      const record = await getBackupRecord(deps.core);
      const inFolder = schedule.folder === null ? null : await newestBackup(schedule.folder);
      const inDataDir = await newestBackup(deps.backupsDir);
      const last = !inFolder || (inDataDir && inDataDir.createdAt > inFolder.createdAt) ? inDataDir : inFolder;
      const nextDue = nextBackupDue(schedule, record, earliestRun);
      return {
        running,
        last,
        lastOutcome,
        schedule: { ...schedule, nextDueAt: nextDue?.toISOString() ?? null },
        record,
        freshness: backupFreshness(record, last?.createdAt ?? null, now()),
      };
    },
    async startBackup() {
      const schedule = await getBackupSchedule(deps.core);
      const toDir = schedule.folder ?? deps.backupsDir;
      return run("backup", async (job) => {
        try {
          // The writer and the checker (tar, gzip, the check's own instance) load when a backup is asked for,
          // not at every start of the server (issue #19).
          const { createBackup } = await import("./create-backup.ts");
          const backup = await createBackup({
            sqlite: deps.sqlite,
            dataDir: deps.dataDir,
            toDir,
            includeRemoteMedia: true,
            now,
            onProgress: (progress) => (job.progress = progress),
          });
          await recordBackupSuccess(deps.core, { at: backup.manifest.createdAt, file: backup.path, bytes: backup.bytes });
          // Only the picked folder is pruned: backups/ in the data directory holds what the owner made by hand.
          if (schedule.folder !== null) await pruneBackups(schedule.folder, schedule.keep);
          return { file: backup.path };
        } catch (error) {
          await recordBackupFailure(deps.core, { at: now().toISOString(), reason: reasonOf(error) });
          throw error;
        }
      });
    },
    async configureSchedule(change) {
      const current = await getBackupSchedule(deps.core);
      const folder = change.folder === undefined ? current.folder : change.folder === null ? null : await checkBackupFolder(change.folder, deps.dataDir);
      return saveBackupSchedule(deps.core, { folder, interval: change.interval ?? current.interval, keep: change.keep ?? current.keep });
    },
    setEarliestRun(at) {
      earliestRun = at;
    },
    async startVerify() {
      const last = await newestBackup(deps.backupsDir);
      if (!last) throw new Invalid("There is no backup to test yet; make one first.");
      return run("verify", async (job) => {
        const { verifyBackup } = await import("./verify-backup.ts");
        const verified = await verifyBackup(last.file, deps.startInstance, (progress) => (job.progress = progress));
        return { file: last.file, homeTimelineStatuses: verified.homeTimelineStatuses };
      });
    },
    settled: () => runningWork,
  };
}
