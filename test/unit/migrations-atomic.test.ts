// Issue #16: each migration and the row recording it commit together, or neither does.
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandles } from "../../server/db/connection.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

type Db = Kysely<unknown>;

const createParents: Migration = {
  up: async (db: Db) => {
    await sql`CREATE TABLE parents (id TEXT PRIMARY KEY, name TEXT NOT NULL)`.execute(db);
    await sql`CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents (id) ON DELETE CASCADE)`.execute(db);
    await sql`INSERT INTO parents VALUES ('p1', 'Ada')`.execute(db);
    await sql`INSERT INTO children VALUES ('c1', 'p1')`.execute(db);
  },
};

const addNotes: Migration = {
  up: async (db: Db) => {
    await sql`CREATE TABLE notes (id TEXT PRIMARY KEY)`.execute(db);
    await sql`CREATE INDEX notes_id ON notes (id)`.execute(db);
  },
};

const addNotesThenThrow: Migration = {
  up: async (db: Db) => {
    await sql`CREATE TABLE notes (id TEXT PRIMARY KEY)`.execute(db);
    await sql`INSERT INTO notes VALUES ('n1')`.execute(db);
    throw new Error("the second statement of this migration was wrong");
  },
};

// SQLite's procedure for a change ALTER TABLE cannot make (https://sqlite.org/lang_altertable.html#otheralter):
// a new table, the rows copied, the old dropped, the new renamed. With foreign keys on, the drop would delete
// every child row through ON DELETE CASCADE.
const rebuildParents: Migration = {
  up: async (db: Db) => {
    await sql`CREATE TABLE parents_new (id TEXT PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0))`.execute(db);
    await sql`INSERT INTO parents_new SELECT id, name FROM parents`.execute(db);
    await sql`DROP TABLE parents`.execute(db);
    await sql`ALTER TABLE parents_new RENAME TO parents`.execute(db);
  },
};

const orphanChildren: Migration = {
  up: async (db: Db) => {
    await sql`INSERT INTO children VALUES ('c2', 'nobody')`.execute(db);
  },
};

describe("running migrations", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let path: string;
  let database: DatabaseHandles;

  beforeEach(() => {
    dir = makeTempDir("migrations-atomic");
    path = `${dir.path}/hearth.db`;
    database = openDatabase(path);
  });
  afterEach(async () => {
    await database.db.destroy();
    dir.remove();
  });

  const tables = () =>
    (database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%' ORDER BY name").all() as Array<{ name: string }>).map(
      (row) => row.name,
    );
  const recorded = () => (database.sqlite.prepare("SELECT name FROM kysely_migration ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  const foreignKeysOn = () => database.sqlite.pragma("foreign_keys", { simple: true }) === 1;

  it("leaves the database as before a migration that fails after its first statement, and the corrected one then runs", async () => {
    await expect(migrateToLatest(database.db, path, { "0001-parents": createParents, "0002-notes": addNotesThenThrow })).rejects.toThrow(
      "Database migration 0002-notes failed: the second statement of this migration was wrong",
    );
    // 0001 committed and is recorded; nothing of 0002 is left.
    expect(tables()).toEqual(["children", "parents"]);
    expect(recorded()).toEqual(["0001-parents"]);
    expect(foreignKeysOn()).toBe(true);

    expect(await migrateToLatest(database.db, path, { "0001-parents": createParents, "0002-notes": addNotes })).toEqual(["0002-notes"]);
    expect(tables()).toEqual(["children", "notes", "parents"]);
    expect(recorded()).toEqual(["0001-parents", "0002-notes"]);
  });

  it("runs every migration of a list that has no faults, each recorded once (the control)", async () => {
    const list = { "0001-parents": createParents, "0002-notes": addNotes };
    expect(await migrateToLatest(database.db, path, list)).toEqual(["0001-parents", "0002-notes"]);
    expect(await migrateToLatest(database.db, path, list)).toEqual([]);
    expect(recorded()).toEqual(["0001-parents", "0002-notes"]);
  });

  it("rebuilds a table that others reference without deleting their rows, and foreign keys are on again after", async () => {
    expect(await migrateToLatest(database.db, path, { "0001-parents": createParents, "0002-rebuild": rebuildParents })).toEqual([
      "0001-parents",
      "0002-rebuild",
    ]);
    expect(database.sqlite.prepare("SELECT id, parent_id FROM children").all()).toEqual([{ id: "c1", parent_id: "p1" }]);
    expect(database.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'parents'").pluck().get()).toContain("CHECK (length(name) > 0)");
    expect(foreignKeysOn()).toBe(true);
    // On again: a child naming no parent is refused.
    expect(() => database.sqlite.prepare("INSERT INTO children VALUES ('c3', 'nobody')").run()).toThrow(/FOREIGN KEY constraint failed/);
  });

  it("refuses a migration that leaves a row pointing nowhere, and keeps nothing of it", async () => {
    await migrateToLatest(database.db, path, { "0001-parents": createParents });
    await expect(migrateToLatest(database.db, path, { "0001-parents": createParents, "0002-orphans": orphanChildren })).rejects.toThrow(
      /Database migration 0002-orphans failed: it leaves 1 row\(s\) whose foreign key points nowhere \(first: a row of children naming a missing parents\)/,
    );
    expect(database.sqlite.prepare("SELECT id FROM children").pluck().all()).toEqual(["c1"]);
    expect(recorded()).toEqual(["0001-parents"]);
    expect(foreignKeysOn()).toBe(true);
  });
});
