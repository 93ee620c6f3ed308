import { afterEach, describe, expect, it } from "vitest";
import { compiledQuery } from "../../server/db/compiled-queries.ts";
import { queryByIds } from "../../server/db/queries-by-ids.ts";
import { write } from "../../server/core/write.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

let database: CoreDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe("a query compiled once per shape of its arguments", () => {
  it("runs each call with its own values bound, by shape (null, list lengths, the caller's shape), and refuses a query that reads a value", async () => {
    database = await openCoreDatabase("compiled-queries");
    const { core } = database;
    const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((name) => insertTestAccount(core, name, name === "d" ? "peer.example" : null)));
    const accounts = compiledQuery(
      (db, { ids, domain, not }: { ids: readonly string[]; domain: string | null; not: string }, limit: number) => {
        let query = db.selectFrom("accounts").select("username").where("id", "in", ids).where("username", "!=", not);
        query = domain === null ? query.where("domain", "is", null) : query.where("domain", "=", domain);
        return query.orderBy("username").limit(limit);
      },
    );
    // The same shape twice: the second call runs on the first one's compiled query, with its own values bound.
    expect(await accounts(core.db, { ids: [a!.id, b!.id, c!.id], domain: null, not: "a" }, 5)).toEqual([{ username: "b" }, { username: "c" }]);
    expect(await accounts(core.db, { ids: [a!.id, b!.id, c!.id], domain: null, not: "c" }, 5)).toEqual([{ username: "a" }, { username: "b" }]);
    // Another limit is another shape, and so is a value where there was null.
    expect(await accounts(core.db, { ids: [a!.id, b!.id, c!.id], domain: null, not: "c" }, 1)).toEqual([{ username: "a" }]);
    expect(await accounts(core.db, { ids: [a!.id, d!.id], domain: "peer.example", not: "a" }, 5)).toEqual([{ username: "d" }]);
    expect(await accounts(core.db, { ids: [a!.id, d!.id], domain: "other.example", not: "a" }, 5)).toEqual([]);

    // A value read while building (here, to choose the query) would be frozen into the first compile: refused.
    const readsValue = compiledQuery((db, { name }: { name: string }) =>
      name.startsWith("a") ? db.selectFrom("accounts").select("username").where("username", "=", name) : db.selectFrom("accounts").select("id as username"),
    );
    await expect(readsValue(core.db, { name: "a" })).rejects.toThrow(/reads one of its arguments/);
    const changesValue = compiledQuery((db, { name }: { name: string }) => db.selectFrom("accounts").select("username").where("username", "=", name.toUpperCase()));
    await expect(changesValue(core.db, { name: "a" })).rejects.toThrow(/changes an argument/);
  });

  it("is compiled once for the database and every write's transaction, and runs on the handle it is given", async () => {
    database = await openCoreDatabase("compiled-queries-transactions");
    const { core } = database;
    await insertTestAccount(core, "a");
    let builds = 0;
    const byName = compiledQuery((db, { name }: { name: string }) => {
      builds += 1;
      return db.selectFrom("accounts").select("username").where("username", "=", name);
    });
    expect(await byName(core.db, { name: "a" })).toEqual([{ username: "a" }]);
    const buildsOfOneCompile = builds;
    for (const name of ["b", "c"]) {
      // Inside a write, the row it inserted and has not committed is seen: the query ran on the write's connection.
      const seen = await write(core, async (trx) => {
        await trx.insertInto("accounts").values({ ...(await trx.selectFrom("accounts").selectAll().where("username", "=", "a").executeTakeFirstOrThrow()), id: `9${name}`, username: name, uri: null, url: null }).execute();
        return byName(trx, { name });
      });
      expect(seen).toEqual([{ username: name }]);
    }
    expect(builds).toBe(buildsOfOneCompile);
  });

  it("answers a query by ids (queries-by-ids.ts) with each list's own rows, also when a compound query repeats the ids", async () => {
    database = await openCoreDatabase("queries-by-ids");
    const { core } = database;
    const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((name) => insertTestAccount(core, name)));
    const usernames = queryByIds((db, ids) => db.selectFrom("accounts").select("username").where("id", "in", ids).orderBy("username"));
    // The same length twice: the second list runs on the first one's compiled query, with its own ids bound.
    expect(await usernames(core.db, [a!.id, b!.id])).toEqual([{ username: "a" }, { username: "b" }]);
    expect(await usernames(core.db, [c!.id, d!.id])).toEqual([{ username: "c" }, { username: "d" }]);
    expect(await usernames(core.db, [d!.id])).toEqual([{ username: "d" }]);
    expect(await usernames(core.db, [])).toEqual([]);

    const twice = queryByIds((db, ids) =>
      db.selectFrom("accounts").select("username").where("id", "in", ids).unionAll((eb) => eb.selectFrom("accounts").select("username").where("id", "in", ids)),
    );
    expect((await twice(core.db, [a!.id])).map((row) => row.username)).toEqual(["a", "a"]);
    expect((await twice(core.db, [b!.id])).map((row) => row.username)).toEqual(["b", "b"]);

    // A constant beside the ids is bound as compiled; an id changed before binding is refused.
    const withConstant = queryByIds((db, ids) => db.selectFrom("accounts").select("username").where("id", "in", ids).where("username", "!=", "b").orderBy("username"));
    expect(await withConstant(core.db, [a!.id, b!.id])).toEqual([{ username: "a" }]);
    expect(await withConstant(core.db, [b!.id, c!.id])).toEqual([{ username: "c" }]);
    const changesIds = queryByIds((db, ids) => db.selectFrom("accounts").select("username").where("id", "in", ids.map((id) => id.trim())));
    await expect(changesIds(core.db, [` ${a!.id}`])).rejects.toThrow(/changes an argument|reads one of its arguments/);
  });
});
