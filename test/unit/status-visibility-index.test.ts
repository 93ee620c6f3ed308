import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNotifications } from "../../server/api/entities/notification.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { favouriteStatus } from "../../server/core/interactions/interactions.ts";
import { listNotifications } from "../../server/core/notifications/notifications.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { homeTimeline } from "../../server/core/timelines/timelines.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import { insertFollow, insertTestAccount, manualClock } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { statementsRunDuring, type StatementRun } from "../helpers/statements-run.ts";

const ORIGIN = "https://hearth.example";
const FIRST_PAGE = { maxId: null, sinceId: null, minId: null, limit: 40 };
const HOME_FEED = /^select "home_feed"\."status_id" as "id" from "home_feed"/;
const VISIBLE_IDS = /^select "statuses"\."id" from "statuses" where "statuses"\."id" in/;

/**
 * The home feed's page and a page of notifications' visible ids are read from the statuses_visibility_facts
 * index alone (migration 0019): each probe of the visibility rule fetched the status's whole row before
 * (issue #19). The plans are SQLite's for the statements the pages really run, with their real parameters.
 */
describe("the visibility rule read from an index alone", () => {
  const dir = makeTempDir("status-visibility-index");
  let database: OpenedDatabase;
  let core: CoreContext;
  let alice: AccountRow;
  let bob: AccountRow;
  let carol: AccountRow;
  const mentionsOfBob: string[] = [];

  const statementsDuring = (pattern: RegExp, work: () => Promise<unknown>) => statementsRunDuring(database.sqlite, pattern, work);

  /** How SQLite reads the statuses table for this statement on `sqlite`: the plan's lines that name it. */
  function statusesPlan(sqlite: Database.Database, { source, args }: StatementRun): string[] {
    const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as Array<{ detail: string }>;
    return plan.map((row) => row.detail).filter((detail) => /^(SEARCH|SCAN) statuses\b/.test(detail));
  }

  beforeAll(async () => {
    database = await openDataDirectoryDatabase(dir.path);
    core = createCoreContext(database.db, manualClock());
    alice = await insertTestAccount(core, "alice");
    bob = await insertTestAccount(core, "bob");
    carol = await insertTestAccount(core, "carol");
    await insertFollow(core, bob.id, alice.id);
    await postStatus(core, { accountId: alice.id, text: "for everyone", visibility: "public" }, { origin: ORIGIN });
    await postStatus(core, { accountId: alice.id, text: "for followers", visibility: "private" }, { origin: ORIGIN });
    await postStatus(core, { accountId: bob.id, text: "bobs own", visibility: "public" }, { origin: ORIGIN });
    // Notifications of several statuses: for one id alone SQLite takes the id's unique index, as good for one.
    for (const text of ["first", "second"]) {
      const bobs = await postStatus(core, { accountId: bob.id, text, visibility: "public" }, { origin: ORIGIN });
      await favouriteStatus(core, alice.id, bobs.id, { origin: ORIGIN });
    }
    await postStatus(core, { accountId: carol.id, text: "carol to her followers", visibility: "private" }, { origin: ORIGIN });
    // Notifications of others' statuses too: the rule's query asks only of those (the viewer's own pass it but
    // for the viewer's suspension).
    for (const text of ["@bob one", "@bob two"]) mentionsOfBob.push((await postStatus(core, { accountId: alice.id, text, visibility: "private" }, { origin: ORIGIN })).id);
  });
  afterAll(async () => {
    await database?.close();
    dir.remove();
  });

  it("reads home's feed with the index alone, and still applies the rule", async () => {
    let shown: string[] = [];
    const [statement] = await statementsDuring(HOME_FEED, async () => {
      shown = (await homeTimeline(core, bob.id, FIRST_PAGE)).statuses.map((status) => status.text ?? status.content);
    });
    expect(statement).toBeDefined();
    expect(statusesPlan(database.sqlite, statement!)).toEqual(["SEARCH statuses USING COVERING INDEX statuses_visibility_facts (id=?)"]);
    // Bob's own and Alice's public and followers-only statuses (Bob follows her), newest first.
    expect(shown).toEqual(["@bob two", "@bob one", "second", "first", "bobs own", "for followers", "for everyone"]);
  });

  it("reads a page of notifications' visible ids with the index alone, and still applies the rule", async () => {
    const statements = await statementsDuring(VISIBLE_IDS, async () => {
      const notifications = await toNotifications(core, await listNotifications(core, bob.id, {}, FIRST_PAGE), bob.id, ORIGIN);
      expect(notifications.map((notification) => `${notification.type} ${notification.status?.id}`)).toEqual([
        `mention ${mentionsOfBob[1]}`,
        `mention ${mentionsOfBob[0]}`,
        ...notifications.slice(2).map((notification) => `favourite ${notification.status?.id}`),
      ]);
      expect(notifications.slice(2).map((notification) => notification.status?.content)).toEqual(["<p>second</p>", "<p>first</p>"]);
    });
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statusesPlan(database.sqlite, statement)).toEqual(["SEARCH statuses USING COVERING INDEX statuses_visibility_facts (id=?)"]);
    }
  });

  it("keeps the plan on a connection opened later, which reads the statistics from the file", () => {
    const other = new Database(join(dir.path, "hearth.db"), { readonly: true });
    try {
      const ids = (other.prepare("SELECT id FROM statuses").pluck().all() as string[]).slice(0, 2);
      const statement = { source: `SELECT statuses.id FROM statuses WHERE statuses.id IN (?, ?) AND statuses.visibility = 'public' AND statuses.account_id = ?`, args: [...ids, alice.id] };
      expect(statusesPlan(other, statement)).toEqual([expect.stringMatching(/^SEARCH statuses USING COVERING INDEX statuses_visibility_facts \(id=\?/)]);
      // The control: a statement that needs more of the row than the index holds is seen to read the row.
      expect(statusesPlan(other, { ...statement, source: statement.source.replace("SELECT statuses.id", "SELECT statuses.content") })).toEqual([
        expect.stringMatching(/^SEARCH statuses USING INDEX /),
      ]);
    } finally {
      other.close();
    }
  });
});
