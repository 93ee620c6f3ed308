import { describe, expect, it } from "vitest";
import { createIdGenerator, idToDate } from "../../server/core/ids.ts";

describe("time-sortable ids", () => {
  it("are 18 digits that sort as text the way they sort as numbers and as times", () => {
    let now = new Date("2017-01-01T00:00:00.000Z");
    const ids = createIdGenerator({ now: () => now });
    const made: string[] = [];
    for (const time of ["2017-01-01T00:00:00.000Z", "2017-01-01T00:00:00.000Z", "2024-06-30T12:00:00.001Z", "2240-01-01T00:00:00.000Z"]) {
      now = new Date(time);
      made.push(ids.next());
    }
    for (const id of made) expect(id).toMatch(/^\d{18}$/);
    expect([...made].sort()).toEqual(made);
    expect([...made].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(idToDate(made[2]!)?.toISOString()).toBe("2024-06-30T12:00:00.001Z");
  });

  it("gives ids for a past time (a remote post's date) that sort among that time's", () => {
    const ids = createIdGenerator({ now: () => new Date("2026-01-01T00:00:00.000Z") });
    const old = ids.next(new Date("2019-05-05T05:05:05.005Z"));
    const current = ids.next();
    expect(old < current).toBe(true);
    expect(idToDate(old)?.toISOString()).toBe("2019-05-05T05:05:05.005Z");
  });

  it("never repeats an id when ids for a past time come between ids for now", () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const ids = createIdGenerator({ now: () => now });
    const made = [ids.next(), ids.next(new Date("2019-05-05T05:05:05.005Z")), ids.next(), ids.next(now), ids.next()];
    expect(new Set(made).size).toBe(made.length);
  });
});
