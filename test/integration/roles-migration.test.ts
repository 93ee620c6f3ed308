import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import { databasePath, openDatabase, prepareDataDirectory } from "../../server/db/connection.ts";
import { migrations } from "../../server/db/migrations/index.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

/** A local_users row as 0001 made it, for an account inserted beside it. */
async function userRow(id: string, role: string) {
  const prepared = await prepareLocalAccount({ username: `u${id}`, password: "correct horse battery staple", role: "member" });
  const now = new Date().toISOString();
  return {
    account: { id, username: `u${id}`, domain: null, created_at: now, updated_at: now },
    user: {
      account_id: id,
      password_hash: prepared.passwordHash,
      role,
      rsa_public_jwk: prepared.keys.rsaPublic,
      rsa_private_jwk: prepared.keys.rsaPrivate,
      ed25519_public_jwk: prepared.keys.ed25519Public,
      ed25519_private_jwk: prepared.keys.ed25519Private,
      default_visibility: "unlisted",
      default_sensitive: 1,
      default_language: "de",
      created_at: now,
    },
  };
}

describe("0011-roles: the moderator role beside owner and member", () => {
  let dataDir: { path: string; remove(): void };
  beforeEach(() => {
    dataDir = makeTempDir("roles-migration");
  });
  afterEach(() => dataDir.remove());

  it("keeps every local user as it was, takes moderators, and still allows one owner only", async () => {
    // A database as the last release left it: every migration before this one, an owner and a member.
    prepareDataDirectory(dataDir.path);
    const old = openDatabase(databasePath(dataDir.path));
    const before = Object.keys(migrations).filter((name) => name < "0011-roles");
    const migrator = new Migrator({ db: old.db, provider: { getMigrations: async () => migrations }, migrationTableName: "kysely_migration" });
    const { error } = await migrator.migrateTo(before.at(-1)!);
    expect(error).toBeUndefined();
    const rows = [await userRow("100", "owner"), await userRow("101", "member")];
    for (const { account, user } of rows) {
      await sql`INSERT INTO accounts (id, username, domain, created_at, updated_at) VALUES (${account.id}, ${account.username}, NULL, ${account.created_at}, ${account.updated_at})`.execute(old.db);
      await old.db.insertInto("local_users").values(user as never).execute();
    }
    const refused = await old.db.updateTable("local_users").set({ role: "moderator" }).where("account_id", "=", "101").execute().catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    old.sqlite.close();

    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      const kept = await database.db.selectFrom("local_users").selectAll().orderBy("account_id").execute();
      // Every column the users had is as it was; later migrations may add columns of their own (0016's invite_id).
      expect(kept).toEqual(rows.map((row) => expect.objectContaining(row.user)));

      await database.db.updateTable("local_users").set({ role: "moderator" }).where("account_id", "=", "101").execute();
      expect((await database.db.selectFrom("local_users").select("role").where("account_id", "=", "101").executeTakeFirst())?.role).toBe("moderator");

      const secondOwner = await database.db.updateTable("local_users").set({ role: "owner" }).where("account_id", "=", "101").execute().catch((e: Error) => e);
      expect(secondOwner).toBeInstanceOf(Error);
      const unknownRole = await sql`UPDATE local_users SET role = 'king' WHERE account_id = '101'`.execute(database.db).catch((e: Error) => e);
      expect(unknownRole).toBeInstanceOf(Error);
      // The account's deletion still takes its local user with it.
      await sql`DELETE FROM accounts WHERE id = '101'`.execute(database.db);
      expect(await database.db.selectFrom("local_users").select("account_id").execute()).toEqual([{ account_id: "100" }]);
      expect(database.sqlite.pragma("foreign_key_check")).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
