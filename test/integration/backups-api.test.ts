import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

interface BackupsEntity {
  running: { kind: string; step: string | null; done: number; total: number } | null;
  last_backup: { file: string; bytes: number; created_at: string } | null;
  last_outcome: { kind: string; file: string | null; error: string | null; home_timeline_statuses: number | null } | null;
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
    expect(await empty.json()).toEqual({ running: null, last_backup: null, last_outcome: null });
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

    expect((await owner.request("/api/hearth/backups/verify", { method: "POST" })).status).toBe(202);
    const verified = await settled("verify");
    expect(verified.last_outcome).toMatchObject({ kind: "verify", error: null, file: backup.last_backup?.file, home_timeline_statuses: 1 });
  });
});
