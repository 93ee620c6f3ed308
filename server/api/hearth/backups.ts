import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import { BACKUP_INTERVALS, checkBackupsKept } from "../../core/instance/backup-schedule.ts";
import type { BackupJobState, BackupService, BackupStatus } from "../../backup/backup-service.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { clearable, oneOf, readInput, text, type Field } from "../input.ts";

export interface BackupRoutesDependencies {
  core: CoreContext;
  backups: BackupService;
}

function jobEntity(job: BackupJobState | null) {
  if (!job) return null;
  return { kind: job.kind, started_at: job.startedAt, step: job.progress?.step ?? null, done: job.progress?.done ?? 0, total: job.progress?.total ?? 0 };
}

function statusEntity(status: BackupStatus) {
  const outcome = status.lastOutcome;
  return {
    running: jobEntity(status.running),
    last_backup: status.last && { file: status.last.file, bytes: status.last.bytes, created_at: status.last.createdAt },
    last_outcome: outcome && {
      kind: outcome.kind,
      file: outcome.file,
      finished_at: outcome.finishedAt,
      error: outcome.error,
      home_timeline_statuses: outcome.homeTimelineStatuses ?? null,
    },
    schedule: {
      folder: status.schedule.folder,
      interval: status.schedule.interval,
      keep: status.schedule.keep,
      next_due_at: status.schedule.nextDueAt,
    },
    last_success: status.record.lastSuccess,
    last_failure: status.record.lastFailure,
    // One source for the settings page and the tray: both say what this says.
    freshness: { state: status.freshness.state, last_good_at: status.freshness.lastGoodAt, warning: status.freshness.warning },
  };
}

/** How many backups to keep: a whole number, sent as JSON or as form text. */
function backupsKept(): Field<number | undefined> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value.trim())) throw new Invalid(`${name} must be a whole number of backups to keep, from 1 up.`);
    return checkBackupsKept(Number(value));
  };
}

const ScheduleChange = {
  folder: clearable(text()),
  interval: oneOf(BACKUP_INTERVALS, (value) => `"${value}" is not a backup interval; use daily, weekly or off.`),
  keep: backupsKept(),
};

/**
 * /api/hearth/backups, the owner's alone (a backup holds every account's keys): GET where backups stand (the
 * one running and its progress, the last whole backup, how the last one ended); POST to start a backup; POST
 * /verify to start a test restore of the last backup. Both answer 202 at once and are followed by polling. PUT
 * /schedule sets the folder, interval and number kept of scheduled backups.
 */
export function backupRoutes({ core, backups }: BackupRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const requireOwner = async (accountId: string | undefined) => {
    const user = accountId ? await getLocalUser(core, accountId) : undefined;
    if (user?.role !== "owner") throw new Forbidden("Only the owner of this instance can make or test its backups.");
  };

  routes.get("/", requireUser("read"), async (c) => {
    await requireOwner(c.get("auth")?.account?.id);
    c.header("Cache-Control", "no-store");
    return c.json(statusEntity(await backups.status()));
  });

  routes.post("/", requireUser("write"), async (c) => {
    await requireOwner(c.get("auth")?.account?.id);
    await backups.startBackup();
    return c.json(statusEntity(await backups.status()), 202);
  });

  routes.post("/verify", requireUser("write"), async (c) => {
    await requireOwner(c.get("auth")?.account?.id);
    await backups.startVerify();
    return c.json(statusEntity(await backups.status()), 202);
  });

  // Where scheduled backups go, how often, how many are kept; answers the whole status, as GET does.
  routes.put("/schedule", requireUser("write"), async (c) => {
    await requireOwner(c.get("auth")?.account?.id);
    const input = await readInput(c, ScheduleChange);
    await backups.configureSchedule(input);
    c.header("Cache-Control", "no-store");
    return c.json(statusEntity(await backups.status()));
  });

  return routes;
}
