import Database from "better-sqlite3";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HonoApiEnv } from "../../server/api/hono-env.ts";
import { jsonTextAnswer } from "../../server/api/json-answer.ts";
import { RecentResponseStore, reuseRecentResponses } from "../../server/api/recent-responses.ts";
import { WriteGeneration } from "../../server/db/write-generation.ts";

/**
 * Which answers api/recent-responses.ts keeps: a page asked for once is not held (an older page scrolled past,
 * each first page after a write), and one asked for again within the reuse window is kept and reused.
 */
describe("the recent answers kept are those asked for again", () => {
  let sqlite: Database.Database;
  let now: number;
  let renders: number;
  let store: RecentResponseStore;
  let app: Hono<HonoApiEnv>;

  beforeEach(() => {
    sqlite = new Database(":memory:");
    now = 1_000_000;
    renders = 0;
    const clock = { now: () => new Date(now) };
    store = new RecentResponseStore(() => now, { reuseForMs: 1_000, mostEntries: 200, mostBytes: 8_000_000 });
    app = new Hono<HonoApiEnv>();
    app.use(reuseRecentResponses({ clock }, new WriteGeneration(sqlite), () => "http://127.0.0.1", store));
    app.get("/page", (c) => jsonTextAnswer(c, JSON.stringify({ page: c.req.query("n") ?? "first", render: ++renders })));
  });
  afterEach(() => sqlite.close());

  const ask = async (path: string) => (await (await app.request(`http://127.0.0.1${path}`)).json()) as { render: number };

  it("holds no answer of a page asked for once: asked a second time, it is rendered again", async () => {
    for (let n = 0; n < 5; n++) await ask(`/page?n=${n}`);
    expect(renders).toBe(5);
    expect(store.bytes).toBe(0);
    now += 10;
    expect((await ask("/page?n=0")).render).toBe(6);
  });

  it("keeps and reuses a page asked for again within the window (the control)", async () => {
    expect((await ask("/page")).render).toBe(1);
    now += 10;
    expect((await ask("/page")).render).toBe(2);
    expect(store.size).toBe(1);
    now += 10;
    expect((await ask("/page")).render).toBe(2);
    expect(renders).toBe(2);
  });

  it("does not keep a page asked for again only after the window", async () => {
    await ask("/page");
    now += 1_000;
    await ask("/page");
    expect(store.size).toBe(0);
    now += 10;
    expect((await ask("/page")).render).toBe(3);
    expect(store.size).toBe(1);
  });
});
