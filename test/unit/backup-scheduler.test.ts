import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBackupScheduler, type BackupScheduler } from "../../server/backup/backup-scheduler.ts";
import { createBackupService, type BackupService } from "../../server/backup/backup-service.ts";
import { pruneBackups } from "../../server/backup/prune-backups.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { manualClock, type ManualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BACKUP = /^hearth-.*\.hearth-backup\.tar\.gz$/;

describe("pruning keeps the last N Hearth backups and nothing else is touched", () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => (dir = makeTempDir("prune")));
  afterEach(() => dir.remove());

  it("deletes the oldest backups beyond N, never the owner's other files", async () => {
    const backups = ["01", "02", "03", "04"].map((day) => `hearth-2026-03-${day}T02-00-00Z.hearth-backup.tar.gz`);
    // Two in one second: -2 is the later one.
    backups.push("hearth-2026-03-04T02-00-00Z-2.hearth-backup.tar.gz");
    const others = [
      "notes.txt",
      "hearth-old.hearth-backup.tar.gz", // renamed by hand: not a name Hearth gives
      "hearth-2026-03-01T02-00-00Z.hearth-backup.tar.gz.sha256",
      "other-app-2026-03-01.tar.gz",
    ];
    for (const name of [...backups, ...others]) writeFileSync(join(dir.path, name), name);
    // A folder under a backup's name and Hearth's own staging folder stay too.
    mkdirSync(join(dir.path, "hearth-2026-02-01T02-00-00Z.hearth-backup.tar.gz"));
    mkdirSync(join(dir.path, ".hearth-backup-abc"));

    const deleted = await pruneBackups(dir.path, 2);

    expect(deleted.map((path) => path.slice(dir.path.length + 1))).toEqual(backups.slice(0, 3));
    expect(readdirSync(dir.path).sort()).toEqual(
      [...backups.slice(3), ...others, "hearth-2026-02-01T02-00-00Z.hearth-backup.tar.gz", ".hearth-backup-abc"].sort(),
    );
  });

  it("deletes nothing while there are no more than N", async () => {
    writeFileSync(join(dir.path, "hearth-2026-03-01T02-00-00Z.hearth-backup.tar.gz"), "x");
    expect(await pruneBackups(dir.path, 7)).toEqual([]);
    expect(readdirSync(dir.path)).toHaveLength(1);
  });
});

describe("the backup scheduler, on a fake clock", { timeout: 60_000 }, () => {
  let dataDir: ReturnType<typeof makeTempDir>;
  let folderDir: ReturnType<typeof makeTempDir>;
  let database: OpenedDatabase;
  let clock: ManualClock;
  let core: CoreContext;
  let service: BackupService;
  let scheduler: BackupScheduler | undefined;
  const settleMs = 5 * MINUTE;

  const start = () => {
    service = createBackupService({
      sqlite: database.sqlite,
      core,
      dataDir: dataDir.path,
      backupsDir: join(dataDir.path, "backups"),
      startInstance: () => Promise.reject(new Error("no test restore here")),
    });
    // A day-long tick: the test drives every tick itself, and only a gap of over three days counts as a sleep.
    scheduler = startBackupScheduler({ backups: service, clock, timing: { tickMs: DAY, settleMs } });
  };
  const backupsIn = (path: string) => readdirSync(path).filter((name) => BACKUP.test(name)).sort();

  beforeEach(async () => {
    dataDir = makeTempDir("scheduled-data");
    folderDir = makeTempDir("scheduled-folder");
    database = await openDataDirectoryDatabase(dataDir.path);
    clock = manualClock(new Date("2026-03-01T12:00:00.000Z"));
    core = createCoreContext(database.db, clock);
    start();
  });

  afterEach(async () => {
    await scheduler?.stop();
    await database.close();
    dataDir.remove();
    folderDir.remove();
  });

  it("runs nothing until a folder is picked", async () => {
    clock.advance(2 * DAY);
    await scheduler?.tick();
    expect((await service.status()).record.lastSuccess).toBeNull();
    expect(readdirSync(dataDir.path)).not.toContain("backups");
  });

  it("runs daily from the last success, keeps N, and the due time survives a restart", async () => {
    await service.configureSchedule({ folder: folderDir.path, keep: 2 });
    writeFileSync(join(folderDir.path, "keep-me.txt"), "the owner's own file");

    // Not during start-up: only once the settling time has passed.
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toEqual([]);
    clock.advance(settleMs);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toEqual(["hearth-2026-03-01T12-05-00Z.hearth-backup.tar.gz"]);
    const status = await service.status();
    expect(status.record.lastSuccess).toMatchObject({ at: "2026-03-01T12:05:00.000Z", file: join(folderDir.path, "hearth-2026-03-01T12-05-00Z.hearth-backup.tar.gz") });
    expect(status.record.lastSuccess?.bytes).toBeGreaterThan(0);
    expect(status.schedule.nextDueAt).toBe("2026-03-02T12:05:00.000Z");

    // Ticks before the day is up start nothing.
    clock.advance(DAY - MINUTE);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toHaveLength(1);
    clock.advance(MINUTE);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toHaveLength(2);

    // A restart: a new service and scheduler read the record; the next run is a day after the last success.
    await scheduler?.stop();
    clock.advance(HOUR);
    start();
    expect((await service.status()).schedule.nextDueAt).toBe("2026-03-03T12:05:00.000Z");
    clock.advance(DAY - HOUR);
    await scheduler?.tick();
    // Three made, two kept, the owner's file untouched.
    expect(backupsIn(folderDir.path)).toEqual(["hearth-2026-03-02T12-05-00Z.hearth-backup.tar.gz", "hearth-2026-03-03T12-05-00Z.hearth-backup.tar.gz"]);
    expect(readdirSync(folderDir.path)).toContain("keep-me.txt");
  });

  it("runs a missed backup soon after a wake, not at the wake itself", async () => {
    await service.configureSchedule({ folder: folderDir.path });
    clock.advance(settleMs);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toHaveLength(1);

    // The computer sleeps four days: the first tick after is a wake, and the overdue run waits.
    clock.advance(4 * DAY);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toHaveLength(1);
    expect((await service.status()).schedule.nextDueAt).toBe(new Date(clock.now().getTime() + settleMs).toISOString());
    clock.advance(settleMs);
    await scheduler?.tick();
    expect(backupsIn(folderDir.path)).toHaveLength(2);
  });

  it("records a failure with its time and reason, warns, and tries again an hour later", async () => {
    await service.configureSchedule({ folder: folderDir.path });
    // The folder's drive is gone and a file sits where it was: nothing can be written there.
    rmSync(folderDir.path, { recursive: true });
    writeFileSync(folderDir.path, "not a folder");
    clock.advance(settleMs);
    await scheduler?.tick();

    const failed = await service.status();
    expect(failed.record.lastSuccess).toBeNull();
    expect(failed.record.lastFailure?.at).toBe("2026-03-01T12:05:00.000Z");
    expect(failed.record.lastFailure?.reason).toMatch(/^Cannot create the backup folder .+\.$/);
    expect(failed.freshness).toMatchObject({ state: "failed", warning: `The last backup failed: ${failed.record.lastFailure?.reason}` });
    expect(failed.schedule.nextDueAt).toBe("2026-03-01T13:05:00.000Z");

    // The drive is back: the retry succeeds and the warning goes.
    rmSync(folderDir.path);
    mkdirSync(folderDir.path);
    clock.advance(HOUR);
    await scheduler?.tick();
    const recovered = await service.status();
    expect(recovered.record.lastSuccess?.at).toBe("2026-03-01T13:05:00.000Z");
    expect(recovered.freshness.state).toBe("fresh");
  });

  it("refuses a folder that is missing, inside the data directory, or a file, and keeps the settings it had", async () => {
    await service.configureSchedule({ folder: folderDir.path });
    await expect(service.configureSchedule({ folder: join(folderDir.path, "nowhere") })).rejects.toThrow(/There is no folder at/);
    await expect(service.configureSchedule({ folder: join(dataDir.path, "backups-here") })).rejects.toThrow(/There is no folder at/);
    mkdirSync(join(dataDir.path, "inside"));
    await expect(service.configureSchedule({ folder: join(dataDir.path, "inside") })).rejects.toThrow(/inside Hearth's data folder/);
    await expect(service.configureSchedule({ folder: dataDir.path })).rejects.toThrow(/inside Hearth's data folder/);
    writeFileSync(join(folderDir.path, "file"), "x");
    await expect(service.configureSchedule({ folder: join(folderDir.path, "file") })).rejects.toThrow(/is a file, not a folder/);
    await expect(service.configureSchedule({ folder: "relative/path" })).rejects.toThrow(/not a full path/);
    await expect(service.configureSchedule({ keep: 0 })).rejects.toThrow(/whole number from 1/);
    expect((await service.status()).schedule).toMatchObject({ folder: folderDir.path, interval: "daily", keep: 7 });
    // Positive control: a sibling of the data directory whose name starts the same is outside it.
    const sibling = `${dataDir.path}-sibling`;
    mkdirSync(sibling);
    try {
      expect(await service.configureSchedule({ folder: sibling, interval: "weekly", keep: 3 })).toEqual({ folder: sibling, interval: "weekly", keep: 3 });
    } finally {
      rmSync(sibling, { recursive: true });
    }
  });
});
