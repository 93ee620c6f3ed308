import { readdirSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { ReadableStream } from "node:stream/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { noise } from "../helpers/media-fixtures.ts";
import { AS_PUBLIC, archiveActor, createNote, jsonEntry, orderedCollection, writeZip } from "../helpers/mastodon-archive.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const CAP = 1024 * 1024;
const CHUNK = 16 * 1024;
const POSTS = 200;
const PICTURE = "media_attachments/files/110/000/001/original/noise.png";

interface UploadEntity {
  id: string;
  file_name: string;
  size: number;
  offset: number;
  chunk_bytes: number;
}

interface ArchiveEntity {
  running: { kind: string } | null;
  last_outcome: { file_name: string | null; error: string | null; archive?: { imported: number; total: number; media_imported: number } } | null;
}

/** What an import leaves that a person sees: each post's text, date and media, in order. */
async function importedPosts(instance: TestInstance) {
  const statuses = await instance.core.db
    .selectFrom("statuses")
    .select(["id", "content", "created_at"])
    .where("account_id", "=", instance.owner.id)
    .orderBy("id")
    .execute();
  const media = await instance.core.db
    .selectFrom("media_attachments")
    .select(["status_id", "description", "blurhash"])
    .where("account_id", "=", instance.owner.id)
    .orderBy("status_id")
    .execute();
  return { statuses: statuses.map(({ content, created_at }) => ({ content, created_at })), media: media.map(({ description, blurhash }) => ({ description, blurhash })) };
}

const ended = (user: ApiUser) =>
  waitFor(
    async () => {
      const state = (await (await user.request("/api/hearth/archive")).json()) as ArchiveEntity;
      return state.running === null && state.last_outcome ? state : undefined;
    },
    { timeoutMs: 60_000, what: "the import to end" },
  );

const patchChunk = (user: ApiUser, id: string, offset: number, body: Uint8Array | ReadableStream<Uint8Array>, signal?: AbortSignal) =>
  user.request(`/api/hearth/archive/uploads/${id}?offset=${offset}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/octet-stream" },
    body,
    signal,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);

describe("/api/hearth/archive/uploads: an archive uploaded in chunks, a cut-off upload going on from the server's offset", { timeout: 180_000 }, () => {
  let group: InstanceGroup;
  let chunked: TestInstance;
  let whole: TestInstance;
  let alice: ApiUser;
  let aliceElsewhere: ApiUser;
  let bob: ApiUser;
  const files = makeTempDir("archive-upload-resume-files");
  const archivePath = join(files.path, "alice-archive.zip");
  let archive: Uint8Array;

  const start = async (user: ApiUser, size = archive.length, name = "alice-archive.zip") => {
    const response = await user.request("/api/hearth/archive/uploads", jsonBody("POST", { name, size }));
    expect(response.status).toBe(201);
    return (await response.json()) as UploadEntity;
  };
  const sessionFiles = (instance: TestInstance) => readdirSync(join(instance.dataDir, "imports", "uploads")).sort();

  beforeAll(async () => {
    const options = { maxArchiveUploadBytes: CAP, archiveUploadChunkBytes: CHUNK };
    group = await startInstances([
      { username: "alice", options },
      { username: "alice", options },
    ]);
    [chunked, whole] = group.instances as [TestInstance, TestInstance];
    alice = await apiUser(chunked.core, chunked.url, chunked.owner);
    aliceElsewhere = await apiUser(whole.core, whole.url, whole.owner);
    bob = await apiUser(chunked.core, chunked.url, await addLocalAccount(chunked.core, "bob"));
    const actor = "https://old.example/users/alice";
    const items = Array.from({ length: POSTS }, (_, index) =>
      createNote({
        actor,
        id: index + 1,
        published: new Date(Date.UTC(2020, 0, 1, 0, index)).toISOString(),
        content: `<p>Post ${index + 1}</p>`,
        to: [AS_PUBLIC],
        cc: [],
        attachment: index === 7 ? [{ type: "Document", mediaType: "image/png", url: `/${PICTURE}`, name: "Static" }] : [],
      }),
    );
    // Stored, not deflated: the file is several chunks long.
    await writeZip(
      archivePath,
      [
        jsonEntry("actor.json", archiveActor("https://old.example", "alice")),
        jsonEntry("outbox.json", orderedCollection("outbox.json", items)),
        jsonEntry("likes.json", orderedCollection("likes.json", [])),
        jsonEntry("bookmarks.json", orderedCollection("bookmarks.json", [])),
        { name: PICTURE, bytes: await noise(48, 32).png().toBuffer() },
      ],
      { compress: false },
    );
    archive = new Uint8Array(readFileSync(archivePath));
    expect(archive.length).toBeGreaterThan(4 * CHUNK);
  });
  afterAll(async () => {
    await group?.close();
    files.remove();
  });

  it("imports the same posts as one upload when a chunk is cut off in the middle and the upload goes on from the server's offset", async () => {
    // The one-request import, on a server of its own, as the reference.
    expect((await aliceElsewhere.request("/api/hearth/archive/import?name=alice-archive.zip", { method: "POST", body: archive })).status).toBe(202);
    expect((await ended(aliceElsewhere)).last_outcome).toMatchObject({ error: null, archive: { imported: POSTS, media_imported: 1 } });

    const upload = await start(alice);
    expect(upload).toMatchObject({ file_name: "alice-archive.zip", size: archive.length, offset: 0, chunk_bytes: CHUNK });
    for (const at of [0, CHUNK]) {
      const sent = await patchChunk(alice, upload.id, at, archive.subarray(at, at + CHUNK));
      expect(sent.status).toBe(200);
      expect(((await sent.json()) as UploadEntity).offset).toBe(at + CHUNK);
    }

    // The third chunk: a part of it arrives, then the connection goes (a laptop shut mid-request).
    const cutAt = 2 * CHUNK;
    const arrived = 5_000;
    const cut = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(archive.slice(cutAt, cutAt + arrived));
      },
    });
    const cutOff = patchChunk(alice, upload.id, cutAt, body, cut.signal).catch((error: unknown) => error);
    const offsetNow = async () => ((await (await alice.request(`/api/hearth/archive/uploads/${upload.id}`)).json()) as UploadEntity).offset;
    await waitFor(async () => (await offsetNow()) === cutAt + arrived, { what: "the first part of the cut chunk to be on disk" });
    cut.abort();
    expect(await cutOff).toBeInstanceOf(Error);

    // After the cut, the page asks where the upload stands and goes on from there, not from zero.
    let offset = await waitFor(
      async () => {
        const at = await offsetNow();
        const probe = await patchChunk(alice, upload.id, at, archive.subarray(at, Math.min(at + CHUNK, archive.length)));
        if (probe.status === 409) return undefined; // the cut chunk is still being let go of
        expect(probe.status).toBe(200);
        return ((await probe.json()) as UploadEntity).offset;
      },
      { what: "the server to take the rest of the cut chunk" },
    );
    expect(offset).toBe(Math.min(cutAt + arrived + CHUNK, archive.length));
    while (offset < archive.length) {
      const sent = await patchChunk(alice, upload.id, offset, archive.subarray(offset, offset + CHUNK));
      expect(sent.status).toBe(200);
      offset = ((await sent.json()) as UploadEntity).offset;
    }

    const finished = await alice.request(`/api/hearth/archive/uploads/${upload.id}/finish`, { method: "POST" });
    expect(finished.status).toBe(202);
    expect(((await finished.json()) as ArchiveEntity).running).toMatchObject({ kind: "import" });
    expect((await ended(alice)).last_outcome).toMatchObject({ file_name: "alice-archive.zip", error: null, archive: { imported: POSTS, total: POSTS, media_imported: 1 } });

    const reference = await importedPosts(whole);
    expect(reference.statuses).toHaveLength(POSTS);
    expect(await importedPosts(chunked)).toEqual(reference);
    // Finished: the session and its bytes are gone, and it cannot be finished twice.
    expect(sessionFiles(chunked)).toEqual([]);
    expect((await alice.request(`/api/hearth/archive/uploads/${upload.id}/finish`, { method: "POST" })).status).toBe(404);
  });

  it("refuses a chunk at another offset than the server's with 409 and the offset to send at; the chunk at it is taken", async () => {
    const upload = await start(alice);
    expect((await patchChunk(alice, upload.id, 0, archive.subarray(0, CHUNK))).status).toBe(200);

    for (const wrong of [0, CHUNK + 1, 3 * CHUNK]) {
      const refused = await patchChunk(alice, upload.id, wrong, archive.subarray(wrong, wrong + CHUNK));
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({ error: `This upload has ${CHUNK} bytes; send the chunk that starts there.`, offset: CHUNK });
    }
    const early = await alice.request(`/api/hearth/archive/uploads/${upload.id}/finish`, { method: "POST" });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ offset: CHUNK });

    const taken = await patchChunk(alice, upload.id, CHUNK, archive.subarray(CHUNK, 2 * CHUNK));
    expect(taken.status).toBe(200);
    expect(((await taken.json()) as UploadEntity).offset).toBe(2 * CHUNK);
    expect((await alice.request(`/api/hearth/archive/uploads/${upload.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("refuses a file over the cap, and a chunk past its size or the largest chunk, with 413 and a sentence; one within them is taken", async () => {
    const over = await alice.request("/api/hearth/archive/uploads", jsonBody("POST", { name: "huge.zip", size: CAP + 1 }));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toBe("The file is larger than 1 MB, the most an import takes here.");
    expect(sessionFiles(chunked)).toEqual([]);

    const small = await start(alice, CHUNK + 10, "small.zip");
    const tooBig = await patchChunk(alice, small.id, 0, new Uint8Array(CHUNK + 1));
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: string }).error).toBe(`A chunk may carry at most ${CHUNK} bytes; send the file in smaller chunks.`);
    expect((await patchChunk(alice, small.id, 0, new Uint8Array(CHUNK))).status).toBe(200);
    const pastEnd = await patchChunk(alice, small.id, CHUNK, new Uint8Array(11));
    expect(pastEnd.status).toBe(413);
    expect(((await pastEnd.json()) as { error: string }).error).toBe(`The chunk goes past the end of the file said at the start (${CHUNK + 10} bytes); send at most 10 bytes here.`);
    // Counted as it arrives when no length is said: refused, and what it brought taken back.
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(64));
        controller.close();
      },
    });
    expect((await patchChunk(alice, small.id, CHUNK, streamed)).status).toBe(413);
    const fits = await patchChunk(alice, small.id, CHUNK, new Uint8Array(10));
    expect(fits.status).toBe(200);
    expect(((await fits.json()) as UploadEntity).offset).toBe(CHUNK + 10);
    expect((await alice.request(`/api/hearth/archive/uploads/${small.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("answers 403 to another account's token on someone's upload, which its own account goes on using", async () => {
    const upload = await start(alice);
    const attempts = [
      () => bob.request(`/api/hearth/archive/uploads/${upload.id}`),
      () => patchChunk(bob, upload.id, 0, archive.subarray(0, CHUNK)),
      () => bob.request(`/api/hearth/archive/uploads/${upload.id}/finish`, { method: "POST" }),
      () => bob.request(`/api/hearth/archive/uploads/${upload.id}`, { method: "DELETE" }),
    ];
    for (const attempt of attempts) {
      const refused = await attempt();
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: "That upload is another account's." });
    }
    const own = await alice.request(`/api/hearth/archive/uploads/${upload.id}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as UploadEntity).offset).toBe(0);
    expect((await patchChunk(alice, upload.id, 0, archive.subarray(0, CHUNK))).status).toBe(200);
    // Bob uploads his own.
    const his = await start(bob, 100, "his.csv");
    expect((await patchChunk(bob, his.id, 0, new Uint8Array(100))).status).toBe(200);
    expect((await bob.request(`/api/hearth/archive/uploads/${his.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await alice.request(`/api/hearth/archive/uploads/${upload.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("removes an upload abandoned for a day at the next start, and keeps one of today", async () => {
    const abandoned = await start(alice);
    expect((await patchChunk(alice, abandoned.id, 0, archive.subarray(0, CHUNK))).status).toBe(200);
    const recent = await start(bob, 100, "his.csv");
    const dir = join(chunked.dataDir, "imports", "uploads");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    for (const name of [`${abandoned.id}.json`, `${abandoned.id}.part`]) utimesSync(join(dir, name), twoDaysAgo, twoDaysAgo);
    expect(sessionFiles(chunked)).toHaveLength(4);

    await group.restart(chunked);
    alice = await apiUser(chunked.core, chunked.url, chunked.owner);
    bob = await apiUser(chunked.core, chunked.url, bob.account);
    await waitFor(() => sessionFiles(chunked).length === 2, { what: "the abandoned upload to be removed" });
    expect(sessionFiles(chunked)).toEqual([`${recent.id}.json`, `${recent.id}.part`].sort());
    expect((await alice.request(`/api/hearth/archive/uploads/${abandoned.id}`)).status).toBe(404);
    expect((await bob.request(`/api/hearth/archive/uploads/${recent.id}`)).status).toBe(200);
  });
});
