import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandles } from "../../server/db/connection.ts";
import { withRelaxedDurability } from "../../server/db/durability.ts";
import { migrateToLatest } from "../../server/db/migrate.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const FULL = 2;
const NORMAL = 1;

describe("relaxed durability for work that can be done again", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let core: DatabaseHandles;

  beforeEach(async () => {
    dir = makeTempDir("relaxed-durability");
    const path = `${dir.path}/hearth.db`;
    core = openDatabase(path);
    await migrateToLatest(core.db, path);
  });
  afterEach(async () => {
    await core.db.destroy();
    dir.remove();
  });

  const synchronousNow = async (db: DatabaseHandles["db"]) => (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]!.synchronous;

  async function writeAndReadSetting(): Promise<number> {
    return core.db.transaction().execute(async (trx) => {
      await trx.insertInto("instance_settings").values({ key: `k${Math.random()}`, value: "1", updated_at: new Date().toISOString() }).execute();
      return synchronousNow(trx);
    });
  }

  it("commits with fsync (FULL) by default, and skips it (NORMAL) inside withRelaxedDurability", async () => {
    expect(await writeAndReadSetting()).toBe(FULL);
    expect(await withRelaxedDurability(writeAndReadSetting)).toBe(NORMAL);
    // The connection is back to FULL for whatever runs next, relaxed or not.
    expect(await synchronousNow(core.db)).toBe(FULL);
    expect(await writeAndReadSetting()).toBe(FULL);
  });

  it("restores FULL after a relaxed transaction that rolled back", async () => {
    await expect(
      withRelaxedDurability(() =>
        core.db.transaction().execute(async (trx) => {
          await trx.insertInto("instance_settings").values({ key: "rolled-back", value: "1", updated_at: new Date().toISOString() }).execute();
          throw new Error("changed my mind");
        }),
      ),
    ).rejects.toThrow("changed my mind");
    expect(await synchronousNow(core.db)).toBe(FULL);
    const row = await core.db.selectFrom("instance_settings").select("key").where("key", "=", "rolled-back").executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it("keeps a FULL transaction FULL while relaxed work waits for the connection", async () => {
    const [relaxed, full] = await Promise.all([withRelaxedDurability(writeAndReadSetting), writeAndReadSetting()]);
    expect(relaxed).toBe(NORMAL);
    expect(full).toBe(FULL);
  });
});
