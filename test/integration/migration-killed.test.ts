// Issue #16: a first start killed part-way through its migrations left a database that failed at every later
// start ("table fedify_kv already exists"): each migration and its record must commit together.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HALTED } from "../helpers/halt-after-statement.ts";
import { serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const CLI = fileURLToPath(new URL("../../server/cli.ts", import.meta.url));
const HALT = fileURLToPath(new URL("../helpers/halt-after-statement.ts", import.meta.url));

/** Starts `hearth serve` on a new data directory, stopped dead after a statement of its migrations, then SIGKILLs it. */
async function killFirstStartAfter(dataDir: string, statement: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", HALT, CLI, "serve", "--port", "0", "--data-dir", dataDir], {
    env: { ...process.env, HEARTH_TEST_HALT_AFTER: statement },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  await waitFor(
    () => {
      if (hasExited) throw new Error(`hearth serve exited before the statement:\n${stderr}`);
      return stderr.includes(HALTED);
    },
    { timeoutMs: 60_000, what: `hearth serve to run ${statement}` },
  );
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

function tables(dataDir: string): string[] {
  const sqlite = new Database(join(dataDir, "hearth.db"), { readonly: true });
  try {
    return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  } finally {
    sqlite.close();
  }
}

describe("a first start killed during its migrations", { timeout: 180_000 }, () => {
  let dataDir: { path: string; remove(): void };
  let serving: ServingHearth | undefined;
  beforeEach(() => {
    dataDir = makeTempDir("migration-killed");
  });
  afterEach(async () => {
    await serving?.stop("SIGKILL");
    serving = undefined;
    dataDir.remove();
  });

  it("leaves the half-run migration undone, and the next start migrates and serves", async () => {
    // 0002-fedify-store's first statement: 0001 has committed, 0002 has begun.
    await killFirstStartAfter(dataDir.path, 'create table "fedify_kv"');
    expect(tables(dataDir.path)).toContain("accounts");
    expect(tables(dataDir.path)).not.toContain("fedify_kv");

    serving = await serveHearth(["--data-dir", dataDir.path]);
    expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
    expect(await serving.stop()).toBe(0);
    serving = undefined;
    expect(tables(dataDir.path)).toContain("fedify_kv");
  });

  it("leaves a table rebuild killed half-way (0011-roles) undone, and the next start finishes it", async () => {
    // After the old local_users is dropped and before the new one takes its name.
    await killFirstStartAfter(dataDir.path, "DROP TABLE local_users");
    expect(tables(dataDir.path)).toContain("local_users");
    expect(tables(dataDir.path)).not.toContain("local_users_with_roles");

    serving = await serveHearth(["--data-dir", dataDir.path]);
    expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
    expect(await serving.stop()).toBe(0);
    serving = undefined;
    expect(tables(dataDir.path)).not.toContain("local_users_with_roles");
  });
});
