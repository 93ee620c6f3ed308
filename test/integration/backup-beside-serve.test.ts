import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { unpackAndCheckBackup } from "../../server/backup/check-backup.ts";
import { ignoreProgress } from "../../server/backup/progress.ts";
import { lastLine } from "../helpers/backup-files.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** The numbers of the "post N" statuses a backup holds, and what account_stats says of them. */
async function postsIn(file: string, scratch: string): Promise<{ numbers: number[]; statusesCount: number }> {
  const into = join(scratch, `check-${readdirSync(scratch).length}`);
  const checked = await unpackAndCheckBackup(file, into, ignoreProgress);
  const sqlite = new Database(checked.databasePath, { readonly: true });
  try {
    const texts = sqlite.prepare("SELECT text FROM statuses").all() as Array<{ text: string }>;
    const stats = sqlite.prepare("SELECT statuses_count FROM account_stats JOIN accounts ON accounts.id = account_stats.account_id WHERE username = 'alice'").get() as { statuses_count: number };
    return { numbers: texts.map((row) => Number(/^post (\d+)$/.exec(row.text)?.[1])).sort((a, b) => a - b), statusesCount: stats.statuses_count };
  } finally {
    sqlite.close();
  }
}

describe("a backup beside a serving Hearth that is being written to", { timeout: 180_000 }, () => {
  const dataDir = makeTempDir("backup-serving");
  const scratch = makeTempDir("backup-serving-out");
  let serving: ServingHearth | undefined;

  afterAll(async () => {
    await serving?.stop("SIGKILL");
    dataDir.remove();
    scratch.remove();
  });

  it("is consistent (every post up to one point, none after), passes --verify, and restore refuses the served directory", async () => {
    expect((await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" })).code).toBe(0);
    const token = lastLine((await runHearth(["token", "--data-dir", dataDir.path])).stdout);
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const url = serving.localUrl;

    // One post after another, each acknowledged before the next, until the backups are taken.
    let posted = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const response = await fetch(`${url}/api/v1/statuses`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ status: `post ${posted}` }),
        });
        if (response.status !== 200) throw new Error(`posting answered ${response.status}`);
        posted += 1;
      }
    })();
    await waitFor(() => posted >= 3, { timeoutMs: 30_000, what: "the first posts" });

    const backup = await runHearth(["backup", "--data-dir", dataDir.path, "--to", join(scratch.path, "out")]);
    writing = false;
    await writer;
    expect(backup.stderr).not.toContain("hearth:");
    expect(backup.code).toBe(0);
    const file = lastLine(backup.stdout);

    const { numbers, statusesCount } = await postsIn(file, scratch.path);
    // A snapshot: posts 0..k-1 and nothing else, and the triggers' count agrees with the rows.
    expect(numbers.length).toBeGreaterThanOrEqual(3);
    expect(numbers).toEqual([...numbers.keys()]);
    expect(statusesCount).toBe(numbers.length);
    const verified = await runHearth(["backup", "--verify", file]);
    expect(verified.code).toBe(0);
    expect(lastLine(verified.stdout)).toBe(`${file} is sound.`);

    // Restoring into the served directory is refused, and nothing in it moves.
    const namesBefore = readdirSync(dataDir.path).sort();
    const inode = statSync(join(dataDir.path, "hearth.db")).ino;
    const refused = await runHearth(["restore", file, "--data-dir", dataDir.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^hearth: Another Hearth \(process \d+\) is already serving .*; stop it first or choose another --data-dir\.\n$/m);
    expect(readdirSync(dataDir.path).sort()).toEqual(namesBefore);
    expect(statSync(join(dataDir.path, "hearth.db")).ino).toBe(inode);
    expect(readdirSync(join(dataDir.path, "..")).filter((name) => name.startsWith(`${dataDir.path.split("/").at(-1)}.restoring-`))).toEqual([]);

    // Once stopped, the same restore goes through (the refusal was the serving, not the file).
    expect(await serving.stop()).toBe(0);
    serving = undefined;
    const restored = await runHearth(["restore", file, "--data-dir", dataDir.path]);
    expect(restored.code).toBe(0);
    expect(readdirSync(dataDir.path).some((name) => name.startsWith("hearth.db.before-restore-"))).toBe(true);
  });
});
