// Issue #19: nearly every start opens a database that has every migration already; that start must not pay
// for Kysely's Migrator (every table's columns read, its lock taken and released in two writes).
import { sql, type KyselyPlugin } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databasePath, openDatabase } from "../../server/db/connection.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { migrations } from "../../server/db/migrations/index.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

/** Counts the statements a Kysely sends. */
function statementCounter(): KyselyPlugin & { statements: number } {
  const counter = {
    statements: 0,
    transformQuery: ({ node }: Parameters<KyselyPlugin["transformQuery"]>[0]) => {
      counter.statements += 1;
      return node;
    },
    transformResult: async ({ result }: Parameters<KyselyPlugin["transformResult"]>[0]) => result,
  };
  return counter;
}

describe("migrating at start", () => {
  let dir: { path: string; remove(): void };
  beforeEach(async () => {
    dir = makeTempDir("migrations-up-to-date");
    await (await openDataDirectoryDatabase(dir.path)).close();
  });
  afterEach(() => dir.remove());

  it("only reads the list of migrations of a database that has every one", async () => {
    const { db } = openDatabase(databasePath(dir.path));
    try {
      const counter = statementCounter();
      expect(await migrateToLatest(db.withPlugin(counter), databasePath(dir.path))).toEqual([]);
      // Whether the migrations table exists, and its names: not the Migrator's table creation, introspection
      // of every table and transaction.
      expect(counter.statements).toBe(2);
    } finally {
      await db.destroy();
    }
  });

  it("still runs a migration the database lacks (the control)", async () => {
    const last = Object.keys(migrations).sort().at(-1)!;
    const { db } = openDatabase(databasePath(dir.path));
    try {
      await sql`DELETE FROM kysely_migration WHERE name = ${last}`.execute(db);
      // The last migration's own changes are still there, so running it again may fail: either way it ran.
      let ran: string[] | undefined;
      let failure = "";
      try {
        ran = await migrateToLatest(db, databasePath(dir.path));
      } catch (error) {
        failure = String(error);
      }
      if (ran) expect(ran).toEqual([last]);
      else expect(failure).toContain(last);
    } finally {
      await db.destroy();
    }
  });
});
