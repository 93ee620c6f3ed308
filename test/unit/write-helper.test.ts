import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CoreEvent } from "../../server/core/events.ts";
import { listDueOutbound } from "../../server/core/peers/outbox.ts";
import { write } from "../../server/core/write.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";

describe("write(): rows, then effects, never effects without the rows", () => {
  let db: CoreDatabase;
  let accountId: string;
  beforeEach(async () => {
    db = await openCoreDatabase("write-helper");
    accountId = (await insertTestAccount(db.core, "alice")).id;
  });
  afterEach(() => db.close());

  const filtersChanged = (accountId: string): CoreEvent => ({ type: "filters.changed", accountId });
  const markerCount = async () => (await db.core.db.selectFrom("markers").select("account_id").execute()).length;
  const insertMarker = (trx: Parameters<Parameters<typeof write>[1]>[0]) =>
    trx.insertInto("markers").values({ account_id: accountId, timeline: "home", last_read_id: "1", version: 1, updated_at: "2026-01-01T00:00:00.000Z" }).execute();

  it("emits events only once the transaction has committed, in order", async () => {
    const seenInside: CoreEvent[] = [];
    await write(db.core, async (trx, after) => {
      await insertMarker(trx);
      after.emit(filtersChanged("1"));
      after.emit(filtersChanged("2"));
      seenInside.push(...db.events);
    });
    expect(seenInside).toEqual([]);
    expect(db.events).toEqual([filtersChanged("1"), filtersChanged("2")]);
    expect(await markerCount()).toBe(1);
  });

  it("a write that throws leaves no row, no event and nothing in the outbox", async () => {
    await expect(
      write(db.core, async (trx, after) => {
        await insertMarker(trx);
        after.emit(filtersChanged("1"));
        after.publish({ type: "account.updated", accountId: "1" });
        throw new Error("refused halfway");
      }),
    ).rejects.toThrow("refused halfway");
    expect(await markerCount()).toBe(0);
    expect(db.events).toEqual([]);
    expect(db.published).toEqual([]);
    expect(await listDueOutbound(db.core, 10, { includePostponed: true })).toEqual([]);
  });

  it("records what it publishes in the outbox with the write, and hands it to the drain after the commit", async () => {
    const outboxInside: unknown[] = [];
    await write(db.core, async (trx, after) => {
      after.publish({ type: "account.updated", accountId: "1" });
      after.publish({ type: "status.created", statusId: "2" });
      outboxInside.push(...db.published);
      await insertMarker(trx);
    });
    expect(outboxInside).toEqual([]);
    expect(db.published).toEqual([
      { type: "account.updated", accountId: "1" },
      { type: "status.created", statusId: "2" },
    ]);
  });

  it("a write made inside another (a context on its transaction) joins it: one commit, effects after it", async () => {
    await expect(
      write(db.core, async (trx, after) => {
        await write({ ...db.core, db: trx }, async (inner, innerAfter) => {
          await insertMarker(inner);
          innerAfter.emit(filtersChanged("inner"));
        });
        after.emit(filtersChanged("outer"));
        throw new Error("the outer write fails");
      }),
    ).rejects.toThrow("the outer write fails");
    expect(await markerCount()).toBe(0);
    expect(db.events).toEqual([]);

    await write(db.core, async (trx) => {
      await write({ ...db.core, db: trx }, async (inner, innerAfter) => {
        await insertMarker(inner);
        innerAfter.emit(filtersChanged("inner"));
      });
    });
    expect(await markerCount()).toBe(1);
    expect(db.events).toEqual([filtersChanged("inner")]);
  });
});
