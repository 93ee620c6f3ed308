import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { migrations } from "../../server/db/migrations/index.ts";

/**
 * A migration that has shipped never changes: a database that already ran it will not run it again, so an
 * edit in place would give new installs and old ones two different schemas under one name (0006-social was
 * once edited after it had run). Each file a migration is made of has its sha256 recorded in
 * server/db/migration-checksums.json, from the day the record began; this test compares them.
 */

const DB_DIR = new URL("../../server/db/", import.meta.url);
const RECORD = "server/db/migration-checksums.json";
const FOLDERS = ["migrations"];
// The list of migrations, which grows by one line with each new migration.
const NOT_A_MIGRATION = new Set(["migrations/index.ts"]);
// Steps of a migration in files of their own, imported by it (and frozen with it): not migrations themselves.
const MIGRATION_PARTS = new Set(["migrations/0006-account-stats.ts"]);

const recorded = JSON.parse(readFileSync(new URL("migration-checksums.json", DB_DIR), "utf8")) as Record<string, string>;

const files = FOLDERS.flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, DB_DIR))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `${folder}/${name}`),
).filter((file) => !NOT_A_MIGRATION.has(file));

// Line endings as committed: a checkout that turns LF into CRLF (git's autocrlf on Windows) changes nothing.
function checksum(file: string): string {
  const text = readFileSync(new URL(file, DB_DIR), "utf8").replaceAll("\r\n", "\n");
  return createHash("sha256").update(text).digest("hex");
}

describe("shipped migrations", () => {
  it.each(files)("%s is as it was when it shipped", (file) => {
    const actual = checksum(file);
    const expected = recorded[file];
    if (expected === undefined) {
      expect.fail(
        `${file} has no recorded checksum. Once this migration is final (before it ships), record it by adding ` +
          `this line to ${RECORD}:\n  "${file}": "${actual}"`,
      );
    }
    if (actual !== expected) {
      expect.fail(
        `${file} changed after it shipped (recorded sha256 ${expected}, now ${actual}). Databases that ran it will ` +
          `not run it again: put the change in a new migration and leave this file as it was.`,
      );
    }
  });

  it("are all still there, under the names existing databases recorded them by", () => {
    const missing = Object.keys(recorded).filter((file) => !files.includes(file));
    expect(missing, `shipped migration files are gone or renamed; ${RECORD} records them`).toEqual([]);
    // kysely_migration stores the keys of migrations/index.ts: each migration file is listed under its own name.
    const migrationFiles = files.filter((file) => !MIGRATION_PARTS.has(file));
    expect(
      Object.keys(migrations).map((name) => `migrations/${name}.ts`),
      "server/db/migrations/index.ts lists every migration file, in order, under the file's name",
    ).toEqual(migrationFiles.sort());
  });
});
