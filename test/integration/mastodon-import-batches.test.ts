import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importMastodonArchive } from "../../server/archive/mastodon-import.ts";
import { findOwnerAccount } from "../../server/core/accounts/accounts.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { isDurabilityRelaxed } from "../../server/db/durability.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { announce, archiveActor, AS_PUBLIC, createNote, jsonEntry, orderedCollection, statusUri, writeZip } from "../helpers/mastodon-archive.ts";
import { insertTestAccount } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { countingStatements } from "../helpers/counting-statements.ts";

const OLD = "https://old.example";
const ACTOR = `${OLD}/users/alice`;

describe("an archive's import, batch by batch", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let database: Awaited<ReturnType<typeof openDataDirectoryDatabase>>;
  let core: CoreContext;
  let account: AccountRow;

  beforeEach(async () => {
    dir = makeTempDir("import-batches");
    database = await openDataDirectoryDatabase(join(dir.path, "data"));
    core = createCoreContext(database.db, systemClock);
    await setupInstance(core, { username: "alice", password: "correct horse battery staple", displayName: undefined, publicOrigin: "https://hearth.example" });
    const owner = await findOwnerAccount(core);
    if (!owner) throw new Error("no owner");
    account = owner;
  });
  afterEach(async () => {
    await database.close();
    dir.remove();
  });

  async function archiveOf(items: readonly unknown[]): Promise<string> {
    const path = join(dir.path, `archive-${items.length}.zip`);
    await writeZip(path, [jsonEntry("actor.json", archiveActor(OLD, "alice")), jsonEntry("outbox.json", orderedCollection("outbox.json", items))]);
    return path;
  }

  function note(id: number, day: number, words: string, inReplyTo: number | null = null): Record<string, unknown> {
    const published = new Date(Date.UTC(2019, 0, day)).toISOString();
    return createNote({ actor: ACTOR, id, published, content: `<p>${words}</p>`, to: [AS_PUBLIC], cc: [], inReplyTo: inReplyTo === null ? null : statusUri(ACTOR, inReplyTo) });
  }

  async function rowsByUri() {
    const rows = await database.db.selectFrom("statuses").select(["id", "import_uri", "in_reply_to_id", "conversation_id", "reblog_of_id"]).execute();
    return new Map(rows.map((row) => [row.import_uri, row]));
  }

  it("threads replies met before their parents (in the same batch and from an earlier one), keeps a self-reply off itself, stores a post named twice once", async () => {
    const items = [
      note(3, 1, "early reply in the first batch", 4),
      note(9, 2, "early reply from the first batch", 8),
      note(4, 3, "parent arriving in the same batch"),
      note(5, 4, "a post that names itself as its parent", 5),
      note(6, 5, "a reply after its parent", 4),
      note(4, 3, "parent arriving in the same batch"),
      note(8, 6, "parent arriving a batch later"),
      announce(ACTOR, 10, statusUri(ACTOR, 8), "2019-02-01T00:00:00Z"),
    ];
    const report = await importMastodonArchive({ file: await archiveOf(items), core, storage: createMediaStorage(mediaRootOf(dir.path)), account, includeDirect: false, force: false, batchSize: 6 });
    expect(report).toMatchObject({ imported: 7, alreadyPresent: 1, boostsSkipped: 0 });
    const rows = await rowsByUri();
    const row = (id: number) => rows.get(statusUri(ACTOR, id));
    expect(row(3)).toMatchObject({ in_reply_to_id: row(4)?.id, conversation_id: row(4)?.conversation_id });
    expect(row(6)).toMatchObject({ in_reply_to_id: row(4)?.id, conversation_id: row(4)?.conversation_id });
    expect(row(9)).toMatchObject({ in_reply_to_id: row(8)?.id, conversation_id: row(8)?.conversation_id });
    expect(row(5)?.in_reply_to_id).toBeNull();
    expect(row(4)?.in_reply_to_id).toBeNull();
    expect(rows.get(`${statusUri(ACTOR, 10)}/activity`)?.reblog_of_id).toBe(row(8)?.id);

    // Found by the words of their content, each once, and the boost not at all.
    const found = await sql<{ status_id: string }>`SELECT status_id FROM status_search WHERE status_search MATCH 'parent'`.execute(database.db);
    expect(found.rows.map((hit) => hit.status_id).sort()).toEqual([row(4), row(5), row(6), row(8)].map((status) => status?.id).sort());
    const trigrams = await sql<{ rowid: number }>`SELECT rowid FROM status_search_trigram WHERE status_search_trigram MATCH 'arriving'`.execute(database.db);
    expect(trigrams.rows).toHaveLength(2);
  });

  it("keeps mentions of accounts stored here, silently, and leaves out those it does not know", async () => {
    const bob = await insertTestAccount(core, "bob", "else.example");
    const carol = "https://nowhere.example/users/carol";
    const mentioning = (id: number, ...hrefs: string[]) =>
      createNote({ actor: ACTOR, id, published: `2019-01-0${id}T00:00:00Z`, content: "<p>hello</p>", to: [AS_PUBLIC], cc: [], tag: hrefs.map((href) => ({ type: "Mention", href, name: href })) });
    const items = [mentioning(1, bob.uri ?? "", carol), mentioning(2, carol), mentioning(3, bob.uri ?? "", bob.uri ?? "")];
    const report = await importMastodonArchive({ file: await archiveOf(items), core, storage: createMediaStorage(mediaRootOf(dir.path)), account, includeDirect: false, force: false, batchSize: 2 });
    expect(report.imported).toBe(3);
    const rows = await rowsByUri();
    const mentions = await database.db.selectFrom("mentions").select(["status_id", "account_id", "silent"]).orderBy("status_id").execute();
    expect(mentions).toEqual([
      { status_id: rows.get(statusUri(ACTOR, 1))?.id, account_id: bob.id, silent: 1 },
      { status_id: rows.get(statusUri(ACTOR, 3))?.id, account_id: bob.id, silent: 1 },
    ]);
    expect(await database.db.selectFrom("notifications").selectAll().execute()).toEqual([]);
  });

  it("stores plain posts and replies with a few statements a batch, whatever its size (multi-row inserts, set-based lookups)", async () => {
    const posts = 60;
    const items = Array.from({ length: posts }, (_, index) => note(index + 1, index + 1, `post ${index}`, index % 5 === 4 ? index : null));
    const file = await archiveOf(items);
    const counter = countingStatements();
    const counted = { ...core, db: core.db.withPlugin(counter.plugin) };
    const report = await importMastodonArchive({ file, core: counted, storage: createMediaStorage(mediaRootOf(dir.path)), account, includeDirect: false, force: false, batchSize: 20 });
    expect(report.imported).toBe(posts);
    // Per batch: the lookups, the conversations, the statuses, the two search indexes, the threading read.
    // A statement a post (as insertStatus writes) would make it 60 and more.
    expect(counter.count()).toBeLessThanOrEqual((posts / 20) * 12);
    // The positive control: every post is in, each reply under its parent.
    const rows = await rowsByUri();
    expect(rows.size).toBe(posts);
    expect(rows.get(statusUri(ACTOR, 5))?.in_reply_to_id).toBe(rows.get(statusUri(ACTOR, 4))?.id);
  });

  it("commits every batch but the last without waiting for the disk, and the last durably", async () => {
    // Which transactions store which posts, seen from inside them: a trigger on this connection asks.
    const relaxedByPost = new Map<string, boolean>();
    database.sqlite.function("test_note_durability", (uri: unknown) => {
      relaxedByPost.set(String(uri), isDurabilityRelaxed());
      return null;
    });
    database.sqlite.exec("CREATE TEMP TRIGGER test_durability AFTER INSERT ON main.statuses BEGIN SELECT test_note_durability(NEW.import_uri); END;");
    const items = Array.from({ length: 50 }, (_, index) => note(index + 1, index + 1, `post ${index}`));
    const file = await archiveOf(items);
    const report = await importMastodonArchive({ file, core, storage: createMediaStorage(mediaRootOf(dir.path)), account, includeDirect: false, force: false, batchSize: 20 });
    expect(report.imported).toBe(50);
    const relaxed = items.map((item) => relaxedByPost.get(String((item as { object: { id: string } }).object.id)));
    // Two batches of 20 relaxed; the last 10, durable (the positive control: not every commit is relaxed).
    expect(relaxed).toEqual([...Array<boolean>(40).fill(true), ...Array<boolean>(10).fill(false)]);
  });
});
