import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Migrator } from "kysely/migration";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../server/db/connection.ts";
import { lockDataDirectory } from "../../server/db/data-dir-lock.ts";
import { migrations } from "../../server/db/migrations/index.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const PASSWORD = "correct horse battery staple\n";

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** What `hearth.db` holds that a second process could have changed: the schema changes applied, the tokens. */
function databaseState(dataDir: string): { migrations: string[]; tokens: number } {
  const sqlite = new Database(join(dataDir, "hearth.db"), { readonly: true });
  try {
    const names = sqlite.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as Array<{ name: string }>;
    const tokens = sqlite.prepare("SELECT count(*) AS count FROM oauth_access_tokens").get() as { count: number };
    return { migrations: names.map((row) => row.name), tokens: tokens.count };
  } finally {
    sqlite.close();
  }
}

function anotherHearth(pid: number, dataDir: string): string {
  return `hearth: Another Hearth (process ${pid}) is already serving ${dataDir}; stop it first or choose another --data-dir.\n`;
}

// Every case starts several real processes; on a busy machine each start takes seconds.
describe("one process per data directory", { timeout: 180_000 }, () => {
  let dataDir: { path: string; remove(): void };
  let serving: ServingHearth | undefined;

  beforeEach(() => {
    dataDir = makeTempDir("lock");
  });
  afterEach(async () => {
    await serving?.stop("SIGKILL");
    serving = undefined;
    dataDir.remove();
  });

  const setUp = () => runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: PASSWORD });

  it("is not blocked by a lock file naming a live process that is not a Hearth on this directory", async () => {
    expect((await setUp()).code).toBe(0);
    // After a reboot the PID in a lock file may be anyone's, init's among them.
    writeFileSync(join(dataDir.path, "hearth.lock"), "1");
    serving = await serveHearth(["--data-dir", dataDir.path]);
    expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
    expect(await serving.stop()).toBe(0);
    serving = undefined;
  });

  it("refuses setup and serve beside a serving Hearth, and they change nothing in its database", async () => {
    expect((await setUp()).code).toBe(0);
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const pid = serving.process.pid ?? 0;
    const before = databaseState(dataDir.path);

    const refusals = await Promise.all([
      runHearth(["setup", "--data-dir", dataDir.path, "--username", "mallory", "--password-stdin"], { stdin: PASSWORD }),
      runHearth(["serve", "--data-dir", dataDir.path, "--port", "0"]),
    ]);
    for (const refused of refusals) {
      expect(refused.stderr).toBe(anotherHearth(pid, dataDir.path));
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe("");
    }
    expect(databaseState(dataDir.path)).toEqual(before);
    // The first one was not disturbed.
    expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);

    // Once it has stopped, the same command works (so the refusal above was the lock's doing).
    expect(await serving.stop()).toBe(0);
    serving = undefined;
    const setupAgain = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "mallory", "--password-stdin"], { stdin: PASSWORD });
    expect(setupAgain.stderr).not.toContain("Another Hearth");
  });

  it("gives a token beside a serving Hearth of the same build (scripts ask a running instance's directory for one)", async () => {
    expect((await setUp()).code).toBe(0);
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const before = databaseState(dataDir.path);

    const issued = await runHearth(["token", "--data-dir", dataDir.path]);
    expect(issued.stderr).toBe("");
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(databaseState(dataDir.path)).toEqual({ migrations: before.migrations, tokens: before.tokens + 1 });
    // The serving instance takes the token at once: the two processes share one database.
    const me = await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe("alice");
  });

  it("decides before touching the database: an older database beside a holder is neither migrated nor opened", async () => {
    // A database as an older build left it: only the first schema change applied.
    const path = join(dataDir.path, "hearth.db");
    const older = openDatabase(path);
    const migrator = new Migrator({ db: older.db, provider: { getMigrations: async () => migrations }, migrationTableName: "kysely_migration" });
    const first = Object.keys(migrations)[0] ?? "";
    expect((await migrator.migrateTo(first)).error).toBeUndefined();
    await older.db.destroy();
    const digest = sha256(path);

    // This test's own process holds the directory, as a running older Hearth would, naming its older schema.
    const lock = lockDataDirectory(dataDir.path);
    writeFileSync(join(dataDir.path, "hearth.lock"), `${process.pid}\n${first}\n`);
    try {
      const results = await Promise.all([
        setUp(),
        runHearth(["token", "--data-dir", dataDir.path]),
        runHearth(["serve", "--data-dir", dataDir.path, "--port", "0"]),
      ]);
      for (const refused of results) {
        expect(refused.stderr).toBe(anotherHearth(process.pid, dataDir.path));
        expect(refused.code).toBe(1);
      }
      expect(sha256(path)).toBe(digest);
      expect(existsSync(`${path}-wal`)).toBe(false);
      expect(existsSync(join(dataDir.path, "logs"))).toBe(false);
      expect(databaseState(dataDir.path).migrations).toEqual([first]);
    } finally {
      lock.release();
    }

    // Released, the same setup migrates and sets up.
    const setup = await setUp();
    expect(setup.stderr).toBe("");
    expect(setup.code).toBe(0);
    expect(databaseState(dataDir.path).migrations).toEqual(Object.keys(migrations).sort());
  });

  it("is not held by a holder that was killed (SIGKILL)", async () => {
    expect((await setUp()).code).toBe(0);
    serving = await serveHearth(["--data-dir", dataDir.path]);
    await serving.stop("SIGKILL");
    // Its lock file is left behind, naming a process that is gone.
    expect(existsSync(join(dataDir.path, "hearth.lock"))).toBe(true);

    serving = await serveHearth(["--data-dir", dataDir.path]);
    expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
    expect(await serving.stop()).toBe(0);
    serving = undefined;
  });
});
