// Issue #19: reading every page of hearth.db at each start (quick_check) costs ~14 s of CPU on a 1.5 GB
// database. It is skipped when the file is exactly the one a clean stop left, and only then.
import Database from "better-sqlite3";
import { closeSync, existsSync, openSync, utimesSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { cleanStopPath } from "../../server/db/clean-stop.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const PAGE_SIZE = 4096;

describe("the start's check of every page, after a clean stop", () => {
  let dir: { path: string; remove(): void };
  let database: string;
  let pageChecks: string[];

  beforeEach(async () => {
    dir = makeTempDir("clean-stop");
    database = join(dir.path, "hearth.db");
    const opened = await openDataDirectoryDatabase(dir.path);
    try {
      await setupInstance(createCoreContext(opened.db, systemClock), { username: "alice", password: "correct horse battery staple" });
    } finally {
      await opened.close();
    }
    pageChecks = [];
    const pragma = Database.prototype.pragma;
    vi.spyOn(Database.prototype, "pragma").mockImplementation(function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
      if (/check/.test(source)) pageChecks.push(source);
      return pragma.call(this, source, options);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    dir.remove();
  });

  it("is skipped when hearth.db is the file the last clean stop left", async () => {
    const opened = await openDataDirectoryDatabase(dir.path);
    await opened.close();
    expect(pageChecks).toEqual([]);
  });

  it("runs when the file was touched after the stop", async () => {
    utimesSync(database, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    const opened = await openDataDirectoryDatabase(dir.path);
    await opened.close();
    expect(pageChecks).toEqual(["quick_check(1)"]);
  });

  it("refuses pages overwritten after the clean stop", async () => {
    const fd = openSync(database, "r+");
    writeSync(fd, Buffer.alloc(8 * PAGE_SIZE, 0x5a), 0, 8 * PAGE_SIZE, 4 * PAGE_SIZE);
    closeSync(fd);
    await expect(openDataDirectoryDatabase(dir.path)).rejects.toThrow(/is damaged/);
    expect(pageChecks).toEqual(["quick_check(1)"]);
  });

  it("runs after a start that did not stop cleanly: the record is gone while the database is open", async () => {
    const opened = await openDataDirectoryDatabase(dir.path);
    // A process killed here leaves no record behind it.
    expect(existsSync(cleanStopPath(database))).toBe(false);
    await opened.close();
    expect(existsSync(cleanStopPath(database))).toBe(true);
  });

  it("runs when the record does not match the file", async () => {
    const fd = openSync(cleanStopPath(database), "w");
    closeSync(fd);
    const opened = await openDataDirectoryDatabase(dir.path);
    await opened.close();
    expect(pageChecks).toEqual(["quick_check(1)"]);
  });
});
