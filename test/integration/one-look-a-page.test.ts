import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { toStatuses } from "../../server/api/entities/status.ts";
import { listNotifications } from "../../server/core/notifications/notifications.ts";
import { homeTimeline } from "../../server/core/timelines/timelines.ts";
import { openFedifySqlite } from "../../server/db/fedify-connection.ts";
import { SqliteKvStore } from "../../server/db/fedify-kv-store.ts";
import { unseenCommitsOf } from "../../server/db/page-read-caches.ts";
import { readingOnePage } from "../../server/db/triggered-cache.ts";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { statementsRunDuring } from "../helpers/statements-run.ts";

const FIRST_PAGE = { maxId: null, sinceId: null, minId: null, limit: 40 };

/**
 * A page looks once whether another connection committed, for all the caches its loaders read (issue #19):
 * the rows, their parts, the bundle and the viewer's filters each looked for themselves, three times a page.
 */
describe("one look a page at other connections' commits", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;
  // Only its Statement prototype, shared by every connection, is used: to see what the instance runs.
  const probe = new Database(":memory:");

  /**
   * How many times data_version is read during `work` (Fedify's own commits aside): by the token's check, the
   * recent answers' store and the page caches' guard.
   */
  async function looksDuring(work: () => Promise<unknown>): Promise<number> {
    const isPageLook = (source: string) => source === "PRAGMA data_version" && !new Error().stack!.includes("commitUnseen");
    return (await statementsRunDuring(probe, isPageLook, work, "get")).length;
  }

  const homeRenderedByCore = async () =>
    toStatuses(home.core, (await homeTimeline(home.core, alice.account.id, FIRST_PAGE)).statuses, alice.account.id, home.url, { filterContext: "home" });
  const notificationsRenderedByCore = async () =>
    toNotifications(home.core, await listNotifications(home.core, bob.account.id, {}, FIRST_PAGE), bob.account.id, home.url);

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    await alice.client.v1.accounts.$select(bob.account.id).follow();
    for (const text of ["one", "two"]) {
      const posted = await bob.client.v1.statuses.create({ status: text });
      await alice.client.v1.statuses.$select(posted.id).favourite();
    }
  });
  afterAll(async () => {
    probe.close();
    await group?.close();
  });

  it("reads data_version once for a fresh home page and a fresh page of notifications read through the API", async () => {
    // Control: the same pages read without a page around them look once for each loader.
    expect(await looksDuring(homeRenderedByCore)).toBeGreaterThan(1);
    expect(await looksDuring(notificationsRenderedByCore)).toBeGreaterThan(1);

    await bob.client.v1.statuses.create({ status: "fresh" });
    let page: unknown[] = [];
    expect(await looksDuring(async () => (page = await alice.client.v1.timelines.home.list()))).toBe(1);
    expect(page).toHaveLength(3);

    await alice.client.v1.statuses.$select((await bob.client.v1.statuses.create({ status: "fresher" })).id).favourite();
    let notifications: unknown[] = [];
    expect(await looksDuring(async () => (notifications = await bob.client.v1.notifications.list()))).toBe(1);
    // Alice's follow and her three favourites.
    expect(notifications).toHaveLength(4);
  });

  it("shows at the next page what another connection committed", async () => {
    const posted = await bob.client.v1.statuses.create({ status: "as posted" });
    expect((await alice.client.v1.timelines.home.list())[0]?.content).toContain("as posted");
    const other = new Database(join(home.dataDir, "hearth.db"));
    try {
      other.prepare("UPDATE statuses SET content = ? WHERE id = ?").run("<p>changed beside serve</p>", posted.id);
    } finally {
      other.close();
    }
    expect((await readingOnePage(homeRenderedByCore))[0]?.content).toBe("<p>changed beside serve</p>");
  });

  it("still sees a commit made before one of Fedify's inside a page that has looked already", async () => {
    const posted = await bob.client.v1.statuses.create({ status: "before the told commit" });
    const fedify = openFedifySqlite(join(home.dataDir, "hearth.db"));
    try {
      const kv = new SqliteKvStore(fedify, Date, unseenCommitsOf(home.core.db, fedify));
      await readingOnePage(async () => {
        expect((await homeRenderedByCore())[0]?.content).toContain("before the told commit");
        const other = new Database(join(home.dataDir, "hearth.db"));
        try {
          other.prepare("UPDATE statuses SET content = ? WHERE id = ?").run("<p>changed before the told commit</p>", posted.id);
        } finally {
          other.close();
        }
        // Fedify's told commit looks for itself: the commit before it is not taken for its own.
        await kv.set(["_fedify", "remoteDocument", "https://elsewhere.example/actor"], { cached: true });
      });
      expect((await readingOnePage(homeRenderedByCore))[0]?.content).toBe("<p>changed before the told commit</p>");
    } finally {
      fedify.close();
    }
  });
});
