import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, closeSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const CLI = fileURLToPath(new URL("../../server/cli.ts", import.meta.url));
const PAGE_SIZE = 4096;
/** Root writes any file whatever its mode, so a read-only file is read-only only for another user. */
const NOBODY = 65_534;
const isRoot = process.getuid?.() === 0;

type StartOutcome = { served: true; stderr: string } | { served: false; code: number | null; stderr: string };

/**
 * `hearth serve` as a person starts it: it either says where it serves (then it is stopped) or exits, and
 * either is an answer, so a refusal that never comes cannot hang the test.
 */
function serveOrRefuse(dataDir: string, options: { asUser?: number } = {}): Promise<StartOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "serve", "--data-dir", dataDir, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.asUser === undefined ? {} : { uid: options.asUser, gid: options.asUser }),
    });
    let stdout = "";
    let stderr = "";
    let served = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!served && stdout.includes("serving on")) {
        served = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve(served ? { served: true, stderr } : { served: false, code, stderr }));
  });
}

/** Every file of a data directory but its logs, by path, with a hash of its bytes. */
function snapshot(dataDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // `serve` starts its log before it opens the database; the log is not the instance's data.
      // Nor is the data directory's lock, which says who holds the directory, not what it holds.
      if (dir === dataDir && ((entry.isDirectory() && entry.name === "logs") || entry.name.startsWith("hearth.lock"))) continue;
      if (entry.isDirectory()) {
        files[`${relative(dataDir, path)}/`] = "dir";
        walk(path);
      } else {
        files[relative(dataDir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    }
  };
  walk(dataDir);
  return files;
}

function expectOneSentence(outcome: StartOutcome, ...words: RegExp[]): void {
  expect(outcome.served).toBe(false);
  if (outcome.served) return;
  expect(outcome.code).toBe(1);
  const lines = outcome.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^hearth: /);
  expect(outcome.stderr).not.toMatch(/unexpected error|\n\s+at /);
  for (const word of words) expect(lines[0]).toMatch(word);
}

describe("hearth serve on damaged, read-only or lost storage: one sentence, files as they were", () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  let base: string;
  let baseSize: number;

  /** A copy of a set-up instance's data directory (hearth.db alone, closed cleanly, no -wal). */
  function copyOfInstance(label: string): string {
    const dir = makeTempDir(`storage-${label}`);
    dirs.push(dir);
    cpSync(base, dir.path, { recursive: true });
    return dir.path;
  }

  beforeAll(async () => {
    const dir = makeTempDir("storage-base");
    dirs.push(dir);
    base = dir.path;
    const database = await openDataDirectoryDatabase(base);
    try {
      await setupInstance(createCoreContext(database.db, systemClock), { username: "alice", password: "correct horse battery staple" });
    } finally {
      await database.close();
    }
    expect(existsSync(join(base, "hearth.db-wal"))).toBe(false);
    baseSize = statSync(join(base, "hearth.db")).size;
    expect(baseSize).toBeGreaterThan(20 * PAGE_SIZE);
  });
  afterAll(() => {
    for (const dir of dirs) dir.remove();
  });

  it("serves a sound copy (the control: the checks refuse only what is wrong)", async () => {
    const dataDir = copyOfInstance("sound");
    const outcome = await serveOrRefuse(dataDir);
    expect(outcome).toMatchObject({ served: true });
  });

  const cuts: Array<[string, () => number]> = [
    ["cut to half", () => Math.floor(baseSize / 2)],
    ["cut to 10 pages", () => 10 * PAGE_SIZE],
    ["cut to 1,000 bytes", () => 1000],
  ];
  for (const [name, size] of cuts) {
    it(`refuses a hearth.db ${name}, says to restore a backup, and changes no file`, async () => {
      const dataDir = copyOfInstance("cut");
      truncateSync(join(dataDir, "hearth.db"), size());
      const before = snapshot(dataDir);
      const outcome = await serveOrRefuse(dataDir);
      expectOneSentence(outcome, /is damaged/, /backup/);
      expect(snapshot(dataDir)).toEqual(before);
    });
  }

  it("refuses a hearth.db of the right size whose pages in the middle were overwritten, and changes no file", async () => {
    const dataDir = copyOfInstance("overwritten");
    const fd = openSync(join(dataDir, "hearth.db"), "r+");
    writeSync(fd, Buffer.alloc(16 * PAGE_SIZE, 0x5a), 0, 16 * PAGE_SIZE, 4 * PAGE_SIZE);
    closeSync(fd);
    const before = snapshot(dataDir);
    expect(statSync(join(dataDir, "hearth.db")).size).toBe(baseSize);
    const outcome = await serveOrRefuse(dataDir);
    expectOneSentence(outcome, /is damaged/, /SQLite's check|SQLite says/, /backup/);
    expect(snapshot(dataDir)).toEqual(before);
  });

  it("refuses a read-only hearth.db, says to check permissions, and leaves no -wal or -shm", async () => {
    const dataDir = copyOfInstance("read-only");
    const database = join(dataDir, "hearth.db");
    chmodSync(database, 0o444);
    // The directory stays writable by the user who runs Hearth: only the file is read-only.
    if (isRoot) chownSync(dataDir, NOBODY, NOBODY);
    chmodSync(dataDir, 0o755);
    const before = snapshot(dataDir);
    const outcome = await serveOrRefuse(dataDir, isRoot ? { asUser: NOBODY } : {});
    expectOneSentence(outcome, /read-only/, /permissions/);
    expect(snapshot(dataDir)).toEqual(before);
    expect(existsSync(`${database}-wal`)).toBe(false);
    expect(existsSync(`${database}-shm`)).toBe(false);
  });

  it("serves the same directory once the file is writable again (the control of the read-only case)", async () => {
    const dataDir = copyOfInstance("writable-again");
    if (isRoot) {
      chownSync(dataDir, NOBODY, NOBODY);
      chownSync(join(dataDir, "hearth.db"), NOBODY, NOBODY);
    }
    chmodSync(dataDir, 0o755);
    const outcome = await serveOrRefuse(dataDir, isRoot ? { asUser: NOBODY } : {});
    expect(outcome).toMatchObject({ served: true });
  });

  for (const state of ["empty", "missing"] as const) {
    it(`refuses ${state === "empty" ? "an" : "a"} ${state} hearth.db beside an instance's media/, says to restore it from a backup, and creates nothing`, async () => {
      const dataDir = copyOfInstance(`lost-${state}`);
      const database = join(dataDir, "hearth.db");
      mkdirSync(join(dataDir, "media", "media_attachments"), { recursive: true });
      writeFileSync(join(dataDir, "media", "media_attachments", "photo.jpg"), "the owner's photo");
      if (state === "empty") writeFileSync(database, "");
      else rmSync(database);
      const before = snapshot(dataDir);
      const outcome = await serveOrRefuse(dataDir);
      expectOneSentence(outcome, new RegExp(`is ${state}`), /media/, /backup/);
      expect(snapshot(dataDir)).toEqual(before);
    });
  }

  it("starts a new instance on an empty hearth.db with no media/ (what an interrupted first start leaves)", async () => {
    const dir = makeTempDir("storage-empty-fresh");
    dirs.push(dir);
    writeFileSync(join(dir.path, "hearth.db"), "");
    const outcome = await serveOrRefuse(dir.path);
    expect(outcome).toMatchObject({ served: true });
  });
});
