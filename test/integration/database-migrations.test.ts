import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { migrations } from "../../server/db/migrations/index.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("the database in a data directory", () => {
  let dataDir: { path: string; remove(): void };
  beforeEach(() => {
    dataDir = makeTempDir("db");
  });
  afterEach(() => dataDir.remove());

  it("is one hearth.db in WAL mode with full sync, foreign keys and a busy timeout", async () => {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      expect(database.path).toBe(join(dataDir.path, "hearth.db"));
      expect(database.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(database.sqlite.pragma("synchronous", { simple: true })).toBe(2);
      expect(database.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(database.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    } finally {
      await database.close();
    }
  });

  it("runs every migration once, and not again on the next start", async () => {
    const first = await openDataDirectoryDatabase(dataDir.path);
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(first.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations));
    await first.db.insertInto("instance").values({ id: 1, canonical_origin: null, name: "Kept", description: "", created_at: new Date().toISOString() }).execute();
    await first.close();

    const second = await openDataDirectoryDatabase(dataDir.path);
    try {
      const again = await sql<{ count: number }>`SELECT count(*) AS count FROM kysely_migration`.execute(second.db);
      expect(again.rows[0]?.count).toBe(Object.keys(migrations).length);
      const instance = await second.db.selectFrom("instance").select("name").executeTakeFirst();
      expect(instance?.name).toBe("Kept");
    } finally {
      await second.close();
    }
  });

  it("refuses a database written by a newer Hearth, and leaves it as it was", async () => {
    const database = await openDataDirectoryDatabase(dataDir.path);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', ${new Date().toISOString()})`.execute(database.db);
    await database.close();

    await expect(openDataDirectoryDatabase(dataDir.path)).rejects.toThrow(
      /was written by a newer version of Hearth \(it has schema change 9999-from-the-future\)/,
    );
    const reopened = await openDataDirectoryDatabase(dataDir.path).catch(() => undefined);
    expect(reopened).toBeUndefined();
  });
});
