import { afterEach, describe, expect, it } from "vitest";
import { queryByIds } from "../../server/db/queries-by-ids.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe("a query by ids compiled once per number of ids", () => {
  it("answers each list with its own rows, also when a compound query repeats the ids, and refuses one that binds anything else", async () => {
    database = await openCoreDatabase("queries-by-ids");
    const { core } = database;
    const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((name) => insertTestAccount(core, name)));
    const usernames = queryByIds((db, ids) => db.selectFrom("accounts").select("username").where("id", "in", ids).orderBy("username"));
    // The same length twice: the second list runs on the first one's compiled query, with its own ids bound.
    expect(await usernames(core.db, [a!.id, b!.id])).toEqual([{ username: "a" }, { username: "b" }]);
    expect(await usernames(core.db, [c!.id, d!.id])).toEqual([{ username: "c" }, { username: "d" }]);
    expect(await usernames(core.db, [d!.id])).toEqual([{ username: "d" }]);

    const twice = queryByIds((db, ids) =>
      db.selectFrom("accounts").select("username").where("id", "in", ids).unionAll((eb) => eb.selectFrom("accounts").select("username").where("id", "in", ids)),
    );
    expect((await twice(core.db, [a!.id])).map((row) => row.username)).toEqual(["a", "a"]);
    expect((await twice(core.db, [b!.id])).map((row) => row.username)).toEqual(["b", "b"]);

    const otherParameter = queryByIds((db, ids) => db.selectFrom("accounts").select("username").where("id", "in", ids).where("username", "!=", "zz"));
    await expect(otherParameter(core.db, [a!.id])).rejects.toThrow(/binds other parameters than its ids/);
  });
});
