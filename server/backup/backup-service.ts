import type Database from "better-sqlite3";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Conflict, Invalid } from "../core/errors.ts";
import { UserError } from "../user-error.ts";
import { BACKUP_FILE_SUFFIX } from "./manifest.ts";
import type { BackupProgress } from "./progress.ts";
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
}

/** Backups asked for from the web client: one at a time, in the background, progress kept for polling. */
export interface BackupService {
  status(): Promise<BackupStatus>;
  /** Starts a backup of the serving instance into the backups folder; refused while one runs. */
  startBackup(): BackupJobState;
  /** Starts a test restore of the last backup; refused while one runs or when there is none. */
  startVerify(): Promise<BackupJobState>;
  /** Resolves once nothing runs (a stop waits for it, tests too). */
  settled(): Promise<void>;
}

export interface BackupServiceDependencies {
  sqlite: Database.Database;
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
    if (!newest || info.mtime.toISOString() > newest.createdAt) newest = { file: join(dir, name), bytes: info.size, createdAt: info.mtime.toISOString() };
  }
  return newest;
}

export function createBackupService(deps: BackupServiceDependencies): BackupService {
  const now = deps.now ?? (() => new Date());
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
        const message = error instanceof UserError ? error.message : `stopped on an unexpected error: ${(error as Error).message}`;
        lastOutcome = { kind, file: null, finishedAt: now().toISOString(), error: message };
      },
    ).finally(() => {
      running = null;
    });
    return job;
  };

  return {
    async status() {
      return { running, last: await newestBackup(deps.backupsDir), lastOutcome };
    },
    startBackup() {
      return run("backup", async (job) => {
        // The writer and the checker (tar, gzip, the check's own instance) load when a backup is asked for,
        // not at every start of the server (issue #19).
        const { createBackup } = await import("./create-backup.ts");
        const backup = await createBackup({
          sqlite: deps.sqlite,
          dataDir: deps.dataDir,
          toDir: deps.backupsDir,
          includeRemoteMedia: true,
          now,
          onProgress: (progress) => (job.progress = progress),
        });
        return { file: backup.path };
      });
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
