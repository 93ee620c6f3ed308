import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { clearNotifications, createNotification, dismissNotification, listNotifications } from "../../server/core/notifications/notifications.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { MOST_CACHED_NOTIFICATION_ROWS, notificationRowCacheOf } from "../../server/db/page-read-caches.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { insertTestAccount, manualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { statementsRunDuring } from "../helpers/statements-run.ts";

const ORIGIN = "https://hearth.example";
const FIRST_PAGE = { maxId: null, sinceId: null, minId: null, limit: 40 };

/**
 * The notification rows a page shows are kept between pages (db/cached-notification-rows.ts): a fresh page
 * reads only the rows it has not read before, and every notification that comes, changes or goes is seen by
 * the next page all the same (issue #19).
 */
describe("the notification rows a page reads, kept between pages", () => {
  const dir = makeTempDir("notification-row-cache");
  let database: OpenedDatabase;
  let core: CoreContext;
  const clock = manualClock();
  let alice: AccountRow;
  let bob: AccountRow;
  let carol: AccountRow;

  const rowReadsDuring = async (work: () => Promise<unknown>) => (await statementsRunDuring(database.sqlite, /^select \* from "notifications" where "id" in/, work)).length;
  /** Alice's first page: each notification's type, sender and status. */
  const alicesPage = async () => (await listNotifications(core, alice.id, {}, FIRST_PAGE)).map((row) => `${row.id} ${row.type} ${row.from_account_id} ${row.status_id}`);

  beforeAll(async () => {
    database = await openDataDirectoryDatabase(dir.path);
    core = createCoreContext(database.db, clock);
    alice = await insertTestAccount(core, "alice");
    bob = await insertTestAccount(core, "bob");
    carol = await insertTestAccount(core, "carol");
  });
  afterAll(async () => {
    await database?.close();
    dir.remove();
  });
  afterEach(async () => {
    await clearNotifications(core, alice.id);
    notificationRowCacheOf(database.db)?.release();
  });

  it("reads a page's rows once, and after a new notification only the new one", async () => {
    await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: bob.id });
    await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: carol.id });
    let first: string[] = [];
    expect(await rowReadsDuring(async () => (first = await alicesPage()))).toBe(1);
    expect(first).toHaveLength(2);
    expect(await rowReadsDuring(async () => expect(await alicesPage()).toEqual(first))).toBe(0);
    const status = await postStatus(core, { accountId: alice.id, text: "hello", visibility: "public" }, { origin: ORIGIN });
    const mention = (await createNotification(core, { accountId: alice.id, type: "mention", fromAccountId: bob.id, statusId: status.id }))!;
    const reads = await statementsRunDuring(database.sqlite, /^select \* from "notifications" where "id" in/, async () =>
      expect(await alicesPage()).toEqual([`${mention.id} mention ${bob.id} ${status.id}`, ...first]),
    );
    // The new one alone.
    expect(reads).toHaveLength(1);
    expect(reads[0]?.args.flat()).toEqual([mention.id]);
  });

  it("sees a notification dismissed, replaced (an edit notified anew) and cleared at the next page", async () => {
    const status = await postStatus(core, { accountId: bob.id, text: "to be edited", visibility: "public" }, { origin: ORIGIN });
    const update = (await createNotification(core, { accountId: alice.id, type: "update", fromAccountId: bob.id, statusId: status.id }))!;
    const follow = (await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: carol.id }))!;
    const before = await alicesPage();
    expect(before.slice(0, 2)).toEqual([`${follow.id} follow ${carol.id} null`, `${update.id} update ${bob.id} ${status.id}`]);

    expect(await dismissNotification(core, alice.id, follow.id)).toBe(true);
    expect((await alicesPage())[0]).toBe(`${update.id} update ${bob.id} ${status.id}`);

    const again = (await createNotification(core, { accountId: alice.id, type: "update", fromAccountId: bob.id, statusId: status.id }))!;
    const page = await alicesPage();
    expect(page[0]).toBe(`${again.id} update ${bob.id} ${status.id}`);
    expect(page.some((line) => line.startsWith(`${update.id} `))).toBe(false);

    await clearNotifications(core, alice.id);
    expect(await alicesPage()).toEqual([]);
  });

  it("sees a notification changed in place on the server's own connection at the next page", async () => {
    const follow = (await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: bob.id }))!;
    expect(await alicesPage()).toEqual([`${follow.id} follow ${bob.id} null`]);
    database.sqlite.prepare("UPDATE notifications SET from_account_id = ? WHERE id = ?").run(carol.id, follow.id);
    expect(await alicesPage()).toEqual([`${follow.id} follow ${carol.id} null`]);
  });

  it("sees a notification changed or deleted by another connection at the next page", async () => {
    const follow = (await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: bob.id }))!;
    expect(await alicesPage()).toEqual([`${follow.id} follow ${bob.id} null`]);
    const other = new Database(join(dir.path, "hearth.db"));
    try {
      other.prepare("UPDATE notifications SET from_account_id = ? WHERE id = ?").run(carol.id, follow.id);
      expect(await alicesPage()).toEqual([`${follow.id} follow ${carol.id} null`]);
      other.prepare("DELETE FROM notifications WHERE id = ?").run(follow.id);
      expect(await alicesPage()).toEqual([]);
    } finally {
      other.close();
    }
  });

  it("keeps no row read while a notification changed, and holds at most its bound", async () => {
    const follow = (await createNotification(core, { accountId: alice.id, type: "follow", fromAccountId: bob.id }))!;
    const cache = notificationRowCacheOf<unknown>(database.db)!;
    const since = cache.mark();
    await dismissNotification(core, alice.id, follow.id);
    cache.keep(since, follow.id, "read before the dismissal");
    expect(cache.get(follow.id)).toBeUndefined();
    // Control: kept when nothing changed meanwhile.
    cache.keep(cache.mark(), follow.id, "read after");
    expect(cache.get(follow.id)).toBe("read after");
    const at = cache.mark();
    for (let n = 0; n < MOST_CACHED_NOTIFICATION_ROWS + 10; n++) cache.keep(at, `id-${n}`, "x");
    expect(cache.size).toBe(MOST_CACHED_NOTIFICATION_ROWS);
  });
});
