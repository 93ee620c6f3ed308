import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifyBackup } from "../../server/backup/verify-backup.ts";
import { startInstance } from "../../server/index.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

interface BackupsEntity {
  running: { kind: string; step: string | null; done: number; total: number } | null;
  last_backup: { file: string; bytes: number; created_at: string } | null;
  last_outcome: { kind: string; file: string | null; error: string | null; home_timeline_statuses: number | null } | null;
  schedule: { folder: string | null; interval: string; keep: number; next_due_at: string | null };
  last_success: { at: string; file: string; bytes: number } | null;
  last_failure: { at: string; reason: string } | null;
  freshness: { state: string; last_good_at: string | null; warning: string | null };
}

describe("/api/hearth/backups: the owner's backups from the web client", { timeout: 120_000 }, () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let owner: ApiUser;
  let member: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [alice] = group.instances as [TestInstance];
    owner = await apiUser(alice.core, alice.url, alice.owner);
    member = await apiUser(alice.core, alice.url, await addLocalAccount(alice.core, "carol"));
    await owner.client.v1.statuses.create({ status: "Worth keeping" });
  });

  afterAll(() => group.close());

  const settled = (kind: string) =>
    waitFor(
      async () => {
        const status = (await (await owner.request("/api/hearth/backups")).json()) as BackupsEntity;
        return status.running === null && status.last_outcome?.kind === kind ? status : undefined;
      },
      { timeoutMs: 60_000, what: `the ${kind} to end` },
    );

  it("refuses a member, and tells the owner there is no backup yet", async () => {
    expect((await member.request("/api/hearth/backups")).status).toBe(403);
    expect((await member.request("/api/hearth/backups", { method: "POST" })).status).toBe(403);
    const empty = await owner.request("/api/hearth/backups");
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({
      running: null,
      last_backup: null,
      last_outcome: null,
      schedule: { folder: null, interval: "daily", keep: 7, next_due_at: null },
      last_success: null,
      last_failure: null,
      freshness: { state: "none", last_good_at: null, warning: expect.stringMatching(/no backup yet/) },
    });
    const verify = await owner.request("/api/hearth/backups/verify", { method: "POST" });
    expect(verify.status).toBe(422);
  });

  it("makes a backup in the background, then test-restores it", async () => {
    const started = await owner.request("/api/hearth/backups", { method: "POST" });
    expect(started.status).toBe(202);
    const backup = await settled("backup");
    expect(backup.last_outcome?.error).toBeNull();
    expect(backup.last_backup?.file).toBe(backup.last_outcome?.file);
    expect(existsSync(backup.last_backup?.file ?? "")).toBe(true);
    expect(backup.last_backup?.bytes).toBeGreaterThan(0);
    expect(backup.last_success).toEqual({ at: expect.any(String), file: backup.last_backup?.file, bytes: backup.last_backup?.bytes });
    expect(backup.freshness).toEqual({ state: "fresh", last_good_at: backup.last_success?.at, warning: null });

    expect((await owner.request("/api/hearth/backups/verify", { method: "POST" })).status).toBe(202);
    const verified = await settled("verify");
    expect(verified.last_outcome).toMatchObject({ kind: "verify", error: null, file: backup.last_backup?.file, home_timeline_statuses: 1 });
  });

  it("sets the schedule's folder, interval and number kept, refusing a bad folder with its sentence and keeping the old settings", async () => {
    const folder = makeTempDir("api-backups");
    try {
      const put = (body: Record<string, unknown>) =>
        owner.request("/api/hearth/backups/schedule", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect((await member.request("/api/hearth/backups/schedule", { method: "PUT" })).status).toBe(403);
      const set = await put({ folder: folder.path, interval: "weekly", keep: 3 });
      expect(set.status).toBe(200);
      const status = (await set.json()) as BackupsEntity;
      expect(status.schedule).toMatchObject({ folder: folder.path, interval: "weekly", keep: 3 });
      // Due a week after the backup made above.
      expect(Date.parse(status.schedule.next_due_at ?? "") - Date.parse(status.last_success?.at ?? "")).toBe(7 * 24 * 60 * 60 * 1000);

      const missing = await put({ folder: join(folder.path, "nowhere") });
      expect(missing.status).toBe(422);
      expect(((await missing.json()) as { error: string }).error).toMatch(/There is no folder at/);
      expect((await put({ interval: "hourly" })).status).toBe(422);
      expect((await put({ keep: "many" })).status).toBe(422);
      expect((await put({ keep: 0 })).status).toBe(422);
      const unchanged = (await (await owner.request("/api/hearth/backups")).json()) as BackupsEntity;
      expect(unchanged.schedule).toMatchObject({ folder: folder.path, interval: "weekly", keep: 3 });

      // "Back up now" goes to the picked folder once there is one.
      expect((await owner.request("/api/hearth/backups", { method: "POST" })).status).toBe(202);
      const made = await settled("backup");
      expect(made.last_outcome?.file?.startsWith(folder.path)).toBe(true);
      expect(readdirSync(folder.path).filter((name) => name.endsWith(".hearth-backup.tar.gz"))).toHaveLength(1);
      expect((await put({ folder: "" })).status).toBe(200);
    } finally {
      folder.remove();
    }
  });
});

describe("a scheduled backup lands a file that restores", { timeout: 180_000 }, () => {
  let group: InstanceGroup;
  const folder = makeTempDir("scheduled-backups");

  beforeAll(async () => {
    // Ticks every 50 ms and no settling time: the backup is due as soon as the folder is picked.
    group = await startInstances([{ username: "dana", options: { backupSchedule: { tickMs: 50, settleMs: 0 } } }]);
  });

  afterAll(async () => {
    await group.close();
    folder.remove();
  });

  it("runs once a folder is picked, records its success, and the file passes a test restore", async () => {
    const [dana] = group.instances as [TestInstance];
    const owner = await apiUser(dana.core, dana.url, dana.owner);
    await owner.client.v1.statuses.create({ status: "Kept on schedule" });
    writeFileSync(join(folder.path, "unrelated.txt"), "not Hearth's");
    mkdirSync(join(folder.path, "photos"));
    const put = await owner.request("/api/hearth/backups/schedule", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ folder: folder.path }),
    });
    expect(put.status).toBe(200);
    const done = await waitFor(
      async () => {
        const status = (await (await owner.request("/api/hearth/backups")).json()) as BackupsEntity;
        return status.running === null && status.last_success ? status : undefined;
      },
      { timeoutMs: 90_000, what: "the scheduled backup" },
    );
    expect(done.last_failure).toBeNull();
    expect(done.freshness.state).toBe("fresh");
    expect(existsSync(done.last_success?.file ?? "")).toBe(true);
    expect(readdirSync(folder.path).sort()).toEqual([done.last_success?.file.slice(folder.path.length + 1), "photos", "unrelated.txt"].sort());
    const verified = await verifyBackup(done.last_success?.file ?? "", startInstance);
    expect(verified.owner).toBe("dana");
    expect(verified.homeTimelineStatuses).toBe(1);
  });
});
