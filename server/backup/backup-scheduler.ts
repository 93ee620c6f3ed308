import type { Clock } from "../core/clock.ts";
import type { BackupService } from "./backup-service.ts";
import { SETTLE_AFTER_WAKE_MS } from "./schedule.ts";

export interface BackupSchedulerTiming {
  /** How often the schedule is looked at. */
  tickMs: number;
  /** How long after start or wake a missed run waits. */
  settleMs: number;
}

export const DEFAULT_BACKUP_SCHEDULER_TIMING: BackupSchedulerTiming = { tickMs: 60_000, settleMs: SETTLE_AFTER_WAKE_MS };

export interface BackupScheduler {
  /** Looks at the schedule once and starts the backup if it is due; resolves once that backup has ended. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the backup service's backup when the schedule says it is due. The due time is computed afresh on each
 * tick from what the database records (so it survives restarts), never before the start plus settleMs; a tick
 * that comes much later than it should means the computer slept, and counts as a new start.
 */
export function startBackupScheduler(deps: { backups: BackupService; clock: Clock; timing?: Partial<BackupSchedulerTiming>; onError?: (error: unknown) => void }): BackupScheduler {
  const timing = { ...DEFAULT_BACKUP_SCHEDULER_TIMING, ...deps.timing };
  const awake = (at: Date) => deps.backups.setEarliestRun(new Date(at.getTime() + timing.settleMs));
  let lastTick = deps.clock.now();
  awake(lastTick);
  let inFlight: Promise<void> | undefined;
  let isStopped = false;

  const runIfDue = async (now: Date) => {
    const status = await deps.backups.status();
    const due = status.schedule.nextDueAt;
    if (status.running || due === null || Date.parse(due) > now.getTime()) return;
    await deps.backups.startBackup();
    await deps.backups.settled();
  };

  const tick = () => {
    const now = deps.clock.now();
    // Timers do not run while the computer sleeps: a gap of several ticks is a wake.
    if (now.getTime() - lastTick.getTime() > 3 * timing.tickMs) awake(now);
    lastTick = now;
    if (isStopped) return Promise.resolve();
    // One look at a time: a tick during a backup has nothing to start.
    inFlight ??= runIfDue(now)
      .catch((error: unknown) => deps.onError?.(error))
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  const timer = setInterval(() => void tick(), timing.tickMs);
  timer.unref();
  return {
    tick,
    async stop() {
      isStopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
