import { afterEach, describe, expect, it } from "vitest";
import { compiledQuery } from "../../server/db/compiled-queries.ts";
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
});
