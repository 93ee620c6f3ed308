import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ReadableStream } from "node:stream/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArchiveJobs } from "../../server/archive/archive-jobs.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { AS_PUBLIC, archiveActor, createNote, jsonEntry, orderedCollection, writeZip } from "../helpers/mastodon-archive.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const CAP = 64 * 1024;
const POSTS = 450;

interface ArchiveEntity {
  running: { kind: string } | null;
  last_outcome: { kind: string; file_name: string | null; error: string | null; archive?: { imported: number; already_present: number; total: number }; csv?: { imported: number } } | null;
}

async function countStatuses(instance: TestInstance): Promise<number> {
  const row = await instance.core.db.selectFrom("statuses").select((eb) => eb.fn.countAll<number>().as("count")).where("account_id", "=", instance.owner.id).executeTakeFirstOrThrow();
  return Number(row.count);
}

describe("/api/hearth/archive: uploads kept to their cap, and an import a stop cut short goes on at the next start", { timeout: 180_000 }, () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let alice: ApiUser;
  const files = makeTempDir("archive-api-files");
  const big = join(files.path, "alice-archive.zip");

  const importsLeft = () => readdirSync(join(hearth.dataDir, "imports")).sort();
  const state = async () => (await (await alice.request("/api/hearth/archive")).json()) as ArchiveEntity;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", options: { maxArchiveUploadBytes: CAP } }]);
    [hearth] = group.instances as [TestInstance];
    alice = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write", "follow"]);
    const actor = "https://old.example/users/alice";
    const items = Array.from({ length: POSTS }, (_, index) =>
      createNote({ actor, id: index + 1, published: new Date(Date.UTC(2020, 0, 1, 0, index)).toISOString(), content: `<p>Post ${index + 1}</p>`, to: [AS_PUBLIC], cc: [] }),
    );
    await writeZip(big, [
      jsonEntry("actor.json", archiveActor("https://old.example", "alice")),
      jsonEntry("outbox.json", orderedCollection("outbox.json", items)),
      jsonEntry("likes.json", orderedCollection("likes.json", [])),
      jsonEntry("bookmarks.json", orderedCollection("bookmarks.json", [])),
    ]);
  });
  afterAll(async () => {
    await group?.close();
    files.remove();
  });

  it("refuses an upload over the cap with 413 and a sentence, said or counted, and keeps nothing of it; one under the cap imports", async () => {
    const declared = await alice.request("/api/hearth/archive/import?name=huge.zip", { method: "POST", body: new Uint8Array(CAP + 1) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toBe("The file is larger than 64 KB, the most an import takes here.");

    // No Content-Length (a stream): counted as it arrives, and the part written so far removed.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(CAP + 1024));
        controller.close();
      },
    });
    const counted = await alice.request("/api/hearth/archive/import?name=huge.zip", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(counted.status).toBe(413);
    expect(importsLeft()).toEqual([]);

    const small = await alice.request("/api/hearth/archive/import?name=blocked_domains.csv", { method: "POST", body: "spam.example\n" });
    expect(small.status).toBe(202);
    const done = await waitFor(async () => ((await state()).running === null ? state() : undefined), { what: "the CSV import to end" });
    expect(done.last_outcome).toMatchObject({ kind: "import", file_name: "blocked_domains.csv", error: null, csv: { imported: 1 } });
    expect(importsLeft()).toEqual([]);
  });

  it("says which file it could not read, with nothing imported", async () => {
    const response = await alice.request("/api/hearth/archive/import?name=notes.csv", { method: "POST", body: "hello there,general kenobi\n" });
    expect(response.status).toBe(202);
    const done = await waitFor(async () => ((await state()).running === null ? state() : undefined), { what: "the import to end" });
    expect(done.last_outcome?.error).toContain("cannot tell which of Mastodon's CSV files notes.csv is");
    expect(importsLeft()).toEqual([]);
  });

  it("refuses someone else's archive by the file's name, with the box to tick, and imports it once ticked; a broken zip is named as such", async () => {
    const bobs = join(files.path, "bob-archive.zip");
    const actor = "https://old.example/users/bob";
    await writeZip(bobs, [
      jsonEntry("actor.json", archiveActor("https://old.example", "bob")),
      jsonEntry("outbox.json", orderedCollection("outbox.json", [createNote({ actor, id: 1, published: "2019-01-01T00:00:00Z", content: "<p>Bob's</p>", to: [AS_PUBLIC], cc: [] })])),
    ]);
    const ended = () => waitFor(async () => ((await state()).running === null ? state() : undefined), { what: "the import to end" });
    const before = await countStatuses(hearth);
    expect((await alice.request("/api/hearth/archive/import?name=bob-archive.zip", { method: "POST", body: readFileSync(bobs) })).status).toBe(202);
    const refused = (await ended()).last_outcome;
    expect(refused?.error).toMatch(/^bob-archive\.zip is the archive of @bob@old\.example, not of @alice/);
    expect(refused?.error).toContain("tick “This archive is mine, under another name”");
    expect(await countStatuses(hearth)).toBe(before);

    expect((await alice.request("/api/hearth/archive/import?name=bob-archive.zip&force=true", { method: "POST", body: readFileSync(bobs) })).status).toBe(202);
    expect((await ended()).last_outcome).toMatchObject({ error: null, archive: { imported: 1 } });
    expect(await countStatuses(hearth)).toBe(before + 1);

    expect((await alice.request("/api/hearth/archive/import?name=broken.zip", { method: "POST", body: "not a zip at all" })).status).toBe(202);
    expect((await ended()).last_outcome?.error).toMatch(/^broken\.zip is not a readable zip archive/);
    expect(importsLeft()).toEqual([]);
  });

  it("goes on after a stop in the middle of an import, at the server's next start, without duplicates", async () => {
    // A service beside the instance's own, on its data directory, stopped right after the upload: the import
    // ends its first batch and stops, as the instance's does when the server stops.
    const jobs = createArchiveJobs({
      core: hearth.core,
      dataDir: hearth.dataDir,
      storage: createMediaStorage(mediaRootOf(hearth.dataDir)),
      origin: () => hearth.url,
      maxUploadBytes: 10 * 1024 * 1024,
    });
    const baseline = await countStatuses(hearth);
    const bytes = readFileSync(big);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    });
    await jobs.startImport(hearth.owner.id, { fileName: "alice-archive.zip", body, mode: "merge", includeDirect: false, force: false });
    await jobs.close();
    const stopped = (await jobs.status(hearth.owner.id)).lastOutcome;
    expect(stopped?.archive?.stopped).toBe(true);
    const partly = (await countStatuses(hearth)) - baseline;
    expect(partly).toBeGreaterThan(0);
    expect(partly).toBeLessThan(POSTS);
    // The upload and its note wait in the data directory for the next start.
    expect(importsLeft()).toHaveLength(2);

    await group.restart(hearth);
    alice = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write", "follow"]);
    const resumed = await waitFor(
      async () => {
        // The first ask may go out on a kept-alive connection to the server before its restart, which the stop closed.
        const now = await state().catch(() => undefined);
        return now?.running === null && now.last_outcome?.file_name === "alice-archive.zip" ? now : undefined;
      },
      { timeoutMs: 60_000, what: "the import to go on and end" },
    );
    expect(resumed.last_outcome).toMatchObject({ error: null, archive: { total: POSTS, imported: POSTS - partly, already_present: partly } });
    expect(await countStatuses(hearth)).toBe(baseline + POSTS);
    expect(importsLeft()).toEqual([]);
  });
});
