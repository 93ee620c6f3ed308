import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../server/core/context.ts";
import { deleteStatus, editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { withSharedCommits, write } from "../../server/core/write.ts";
import { withRelaxedDurability } from "../../server/db/durability.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

const ORIGIN = "https://hearth.example";

/** Counts the statements whose SQL matches `pattern` run (Statement#run) on every connection of the process. */
function countingRuns(pattern: RegExp): { count: () => number; stop: () => void } {
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1")) as { run: (...args: unknown[]) => unknown };
  probe.close();
  const run = prototype.run;
  let runs = 0;
  prototype.run = function (this: { source: string }, ...args: unknown[]) {
    if (pattern.test(this.source)) runs++;
    return run.apply(this, args);
  };
  return { count: () => runs, stop: () => void (prototype.run = run) };
}

/** What the inbox does around a listener (federation/inbox/index.ts). */
const asInbox = <T>(work: () => Promise<T>) => withRelaxedDurability(() => withSharedCommits(work));

/**
 * The search rows of the writes that share a commit are inserted once every write's savepoint is released:
 * FTS5 flushes its pending terms at each savepoint, which doubled a status's search-row cost (issue #19). The
 * index holds what it held with a transaction a write: a failed write's rows are not in it, and a later
 * write's edit or delete of a status an earlier one stored wins.
 */
describe("shared commits: the search rows of a group, inserted after its savepoints", () => {
  let db: CoreDatabase;
  let aliceId: string;
  beforeEach(async () => {
    db = await openCoreDatabase("shared-commits-search");
    aliceId = (await insertTestAccount(db.core, "alice")).id;
  });
  afterEach(async () => {
    await db.close();
  });

  const post = (core: CoreContext, text: string) => postStatus(core, { accountId: aliceId, text, visibility: "public" }, { origin: ORIGIN });
  /** The word index's bodies in status order, once each index's rows are checked to be the same statuses'. */
  async function searchRows(): Promise<string[]> {
    const words = await sql<{ id: string; body: string }>`SELECT printf('%018d', rowid) AS id, body FROM status_search ORDER BY rowid`.execute(db.core.db);
    // The trigram index keeps no text of its own (contentless): its rows are the same statuses'.
    const trigrams = await sql<{ id: string }>`SELECT printf('%018d', rowid) AS id FROM status_search_trigram ORDER BY rowid`.execute(db.core.db);
    expect(trigrams.rows.map((row) => row.id)).toEqual(words.rows.map((row) => row.id));
    return words.rows.map((row) => row.body);
  }
  async function matching(word: string): Promise<string[]> {
    const rows = await sql<{ status_id: string }>`SELECT status_id FROM status_search WHERE status_search MATCH ${word}`.execute(db.core.db);
    const trigramRows = await sql<{ id: string }>`SELECT printf('%018d', rowid) AS id FROM status_search_trigram WHERE status_search_trigram MATCH ${word}`.execute(db.core.db);
    expect(trigramRows.rows.map((row) => row.id).sort()).toEqual(rows.rows.map((row) => row.status_id).sort());
    return rows.rows.map((row) => row.status_id);
  }

  it("three statuses of one group: one insert into each index for all, after the savepoints, and each found", async () => {
    const inserts = countingRuns(/^INSERT INTO status_search /);
    let statuses;
    try {
      statuses = await Promise.all(["first words", "second words", "third words"].map((text) => asInbox(() => post(db.core, text))));
    } finally {
      inserts.stop();
    }
    expect(inserts.count()).toBe(1);
    expect(await searchRows()).toEqual((["first words", "second words", "third words"]));
    expect(await matching("second")).toEqual([statuses[1]!.id]);
    expect((await matching("words")).sort()).toEqual(statuses.map((status) => status.id).sort());
  });

  it("a write that throws after storing its status leaves no search row; the others of its group keep theirs", async () => {
    const results = await Promise.allSettled(
      ["kept one", "lost one", "kept two"].map((text) =>
        asInbox(() =>
          write(db.core, async (trx) => {
            const status = await post({ ...db.core, db: trx }, text);
            if (text === "lost one") throw new Error("refused halfway");
            return status;
          }),
        ),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await searchRows()).toEqual((["kept one", "kept two"]));
    expect(await matching("lost")).toEqual([]);
  });

  it("a status stored, edited and another deleted by later writes of the same group: the index holds the end state", async () => {
    const early = await post(db.core, "stored before");
    let editedId = "";
    let deletedId = "";
    await Promise.all([
      asInbox(() => write(db.core, async (trx) => void (editedId = (await post({ ...db.core, db: trx }, "draft text")).id))),
      asInbox(() => write(db.core, async (trx) => void (deletedId = (await post({ ...db.core, db: trx }, "soon gone")).id))),
      asInbox(() => write(db.core, (trx) => editStatus({ ...db.core, db: trx }, { accountId: aliceId, statusId: editedId, text: "final text" }, { origin: ORIGIN }))),
      asInbox(() => write(db.core, (trx) => deleteStatus({ ...db.core, db: trx }, aliceId, deletedId))),
      asInbox(() => write(db.core, (trx) => editStatus({ ...db.core, db: trx }, { accountId: aliceId, statusId: early.id, text: "stored then edited" }, { origin: ORIGIN }))),
    ]);
    expect(await searchRows()).toEqual((["stored then edited", "final text"]));
    expect(await matching("draft")).toEqual([]);
    expect(await matching("gone")).toEqual([]);
    expect(await matching("final")).toEqual([editedId]);
  });
});
