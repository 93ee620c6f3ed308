import { configure, reset, type LogRecord } from "@logtape/logtape";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/**
 * A full disk, as SQLite meets it: `PRAGMA max_page_count` caps the database on core's connection, and a write
 * that needs one more page fails with SQLITE_FULL, as it does when the disk has no room for it.
 */
async function capDatabaseAtItsSize(alice: TestInstance): Promise<void> {
  // Migrations that rebuild a table leave free pages behind; VACUUM gives them back, so the file is all in use.
  await sql`vacuum`.execute(alice.core.db);
  const pages = await sql<{ page_count: number }>`pragma page_count`.execute(alice.core.db);
  await sql.raw(`pragma max_page_count = ${pages.rows[0]!.page_count}`).execute(alice.core.db);
  const free = await sql<{ freelist_count: number }>`pragma freelist_count`.execute(alice.core.db);
  // Free pages inside the file would take writes first; with none, the next page a write needs is refused.
  expect(free.rows[0]!.freelist_count).toBe(0);
}

async function freeSpace(alice: TestInstance): Promise<void> {
  await sql.raw("pragma max_page_count = 1073741823").execute(alice.core.db);
}

describe("a full disk: posts answer 507 with a sentence, reads go on, posting comes back once there is room", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let user: ApiUser;
  const records: LogRecord[] = [];

  beforeAll(async () => {
    await configure({
      sinks: { memory: (record) => records.push(record) },
      loggers: [{ category: ["hearth", "http"], lowestLevel: "error", sinks: ["memory"] }, { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] }],
    });
    group = await startInstances([{ username: "alice" }]);
    alice = group.instances[0]!;
    user = await apiUser(alice.core, alice.url, alice.owner);
  });
  afterAll(async () => {
    await group?.close();
    await reset();
  });

  const post = (text: string) => user.request("/api/v1/statuses", jsonBody("POST", { status: text }));
  const homeTexts = async () => {
    const response = await user.request("/api/v1/timelines/home?limit=40");
    expect(response.status).toBe(200);
    return ((await response.json()) as Array<{ content: string }>).map((status) => status.content);
  };

  it("refuses the post that finds the disk full, keeps the ones before, and takes posts again once space is freed", async () => {
    const before = await post("Written before the disk filled up.");
    expect(before.status).toBe(200);

    await capDatabaseAtItsSize(alice);
    // Posts fill the pages the file has; the first that needs one more finds the disk full.
    let refused: Response | undefined;
    let accepted = 0;
    for (let attempt = 0; attempt < 500 && !refused; attempt += 1) {
      const answer = await post(`Post number ${attempt} while the disk fills up.`);
      if (answer.status === 200) accepted += 1;
      else refused = answer;
    }
    expect(refused?.status).toBe(507);
    const body = (await refused!.json()) as { error: string };
    expect(body.error).toMatch(/^The disk is full: nothing of this request was saved; free some space/);

    // The log says what happened, not that a rollback failed.
    const logged = records.map((record) => ({ message: record.message.join(""), error: record.properties.error }));
    expect(logged.some(({ error }) => (error as { code?: string } | undefined)?.code === "SQLITE_FULL")).toBe(true);
    expect(JSON.stringify(logged)).not.toMatch(/cannot rollback/);

    // Reads go on, with every post that was accepted and nothing of the refused one.
    const texts = await homeTexts();
    expect(texts.some((text) => text.includes("Written before the disk filled up."))).toBe(true);
    expect(texts.filter((text) => text.includes("while the disk fills up."))).toHaveLength(accepted);
    expect(texts.some((text) => text.includes(`Post number ${accepted} while`))).toBe(false);
    expect((await user.request("/api/v1/accounts/verify_credentials")).status).toBe(200);

    // No restart: the connection was left in no transaction (the next BEGIN would fail if it were).
    await freeSpace(alice);
    const after = await post("Written once space was freed.");
    expect(after.status).toBe(200);
    expect((await homeTexts()).some((text) => text.includes("Written once space was freed."))).toBe(true);
  });
});
