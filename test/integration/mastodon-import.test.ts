import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { runCli } from "../../server/cli.ts";
import { importMastodonArchive } from "../../server/archive/mastodon-import.ts";
import { findOwnerAccount } from "../../server/core/accounts/accounts.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";
import {
  announce,
  archiveActor,
  AS_PUBLIC,
  createNote,
  jsonEntry,
  orderedCollection,
  statusUri,
  writeZip,
  type ArchiveEntry,
} from "../helpers/mastodon-archive.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const OLD = "https://old.example";
const ACTOR = `${OLD}/users/alice`;
const BOB = "https://else.example/users/bob";
const IMAGE_PATH = "media_attachments/files/109/000/001/original/cat.png";

interface ApiStatus {
  id: string;
  created_at: string;
  content: string;
  visibility: string;
  in_reply_to_id: string | null;
  reblog: ApiStatus | null;
  tags: Array<{ name: string }>;
  media_attachments: Array<{ type: string; description: string | null; blurhash: string | null; meta: { focus?: { x: number; y: number } } }>;
}

/** The outbox of a small account: a thread, a followers-only post with a picture, a DM, boosts, a missing file. */
async function archiveEntries(username = "alice"): Promise<ArchiveEntry[]> {
  const actor = `${OLD}/users/${username}`;
  const picture = await twoColours(64, 48).png().toBuffer();
  const items = [
    createNote({ actor, id: 1, published: "2019-03-04T05:06:07Z", content: "<p>First post <a href=\"https://old.example/tags/hello\" class=\"mention hashtag\" rel=\"tag\">#<span>hello</span></a></p><script>alert(1)</script>", to: [AS_PUBLIC], cc: [`${actor}/followers`], tag: [{ type: "Hashtag", href: `${OLD}/tags/hello`, name: "#hello" }] }),
    createNote({ actor, id: 2, published: "2019-03-05T00:00:00Z", content: "<p>Replying to myself</p>", to: [`${actor}/followers`], cc: [AS_PUBLIC], inReplyTo: statusUri(actor, 1) }),
    createNote({
      actor,
      id: 3,
      published: "2020-01-01T10:00:00Z",
      content: "<p>A cat</p>",
      to: [`${actor}/followers`],
      cc: [],
      attachment: [{ type: "Document", mediaType: "image/png", url: `/${IMAGE_PATH}`, name: "A red and blue cat", blurhash: "LKO2?U%2Tw=w]~RBVZRi};RPxuwH", focalPoint: [0.5, -0.25], width: 64, height: 48 }],
    }),
    createNote({ actor, id: 4, published: "2020-02-02T02:02:02Z", content: "<p>Just for you, Bob</p>", to: [BOB], cc: [], tag: [{ type: "Mention", href: BOB, name: "@bob@else.example" }] }),
    announce(actor, 5, statusUri(actor, 1), "2020-03-03T03:03:03Z"),
    announce(actor, 6, "https://else.example/users/bob/statuses/99", "2020-03-04T03:03:03Z"),
    createNote({
      actor,
      id: 7,
      published: "2021-05-05T05:05:05Z",
      content: "<p>Its file is gone</p>",
      to: [AS_PUBLIC],
      cc: [],
      attachment: [{ type: "Document", mediaType: "image/png", url: "https://files.old.example/media_attachments/files/109/000/002/original/gone.png", name: null }],
    }),
  ];
  return [
    jsonEntry("actor.json", archiveActor(OLD, username)),
    jsonEntry("outbox.json", orderedCollection("outbox.json", items)),
    jsonEntry("likes.json", orderedCollection("likes.json", [statusUri(actor, 1), "https://else.example/users/bob/statuses/7"])),
    jsonEntry("bookmarks.json", orderedCollection("bookmarks.json", [statusUri(actor, 3), "https://else.example/users/bob/statuses/8"])),
    { name: IMAGE_PATH, bytes: picture },
  ];
}

async function countStatuses(dataDir: string): Promise<number> {
  const database = await openDataDirectoryDatabase(dataDir);
  try {
    const row = await database.db.selectFrom("statuses").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
    return Number(row.count);
  } finally {
    await database.close();
  }
}

/** The `hearth` command in this process: the refusals need no server, and a process start each is slow. */
async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough().on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const err = new PassThrough().on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await runCli(args, { stdin: new PassThrough(), stdout: out, stderr: err });
  return { code, stdout, stderr };
}

describe("hearth import: a Mastodon archive", () => {
  const dataDir = makeTempDir("import");
  const files = makeTempDir("import-files");
  const archive = join(files.path, "archive.zip");
  let token = "";

  beforeAll(async () => {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin", "--public-url", "https://hearth.example"], {
      stdin: "correct horse battery staple\n",
    });
    expect(setup.code).toBe(0);
    token = (await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "read write"])).stdout.trim();
    await writeZip(archive, await archiveEntries());
  });
  afterAll(() => {
    dataDir.remove();
    files.remove();
  });

  /** One `serve` for a test's reads through the Mastodon API. */
  async function withApi(read: (get: <T>(path: string) => Promise<T>) => Promise<void>): Promise<void> {
    const serving = await serveHearth(["--data-dir", dataDir.path]);
    try {
      await read(async <T>(path: string) => {
        const response = await fetch(`${serving.localUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status, path).toBe(200);
        return (await response.json()) as T;
      });
    } finally {
      await serving.stop();
    }
  }

  it("brings the posts in with their dates, thread, visibility and media; no DM unless asked; likes and bookmarks of stored posts", async () => {
    const result = await runHearth(["import", archive, "--data-dir", dataDir.path]);
    expect(result.stderr).not.toContain("unexpected");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("5 new, 0 already here, of 6 posts and boosts; 1 media files.");
    expect(result.stdout).toContain("1 direct messages were left out");
    expect(result.stdout).toContain("1 boosts were left out");
    expect(result.stdout).toContain("Likes: 1 kept, 1 of posts not stored here");
    expect(result.stdout).toContain("Bookmarks: 1 kept, 1 of posts not stored here");
    expect(result.stdout).toContain("https://files.old.example/media_attachments/files/109/000/002/original/gone.png: not in the archive");
    // Not a terminal here: plain progress lines on stderr.
    expect(result.stderr).toContain("posts: 6/6 (100%)");

    await withApi(async (get) => {
      const me = await get<{ id: string }>("/api/v1/accounts/verify_credentials");
      const statuses = await get<ApiStatus[]>(`/api/v1/accounts/${me.id}/statuses?limit=40`);
      const favourites = await get<ApiStatus[]>("/api/v1/favourites");
      const bookmarks = await get<ApiStatus[]>("/api/v1/bookmarks");
      const home = await get<ApiStatus[]>("/api/v1/timelines/home");
      const byText = (text: string) => statuses?.find((status) => status.content.includes(text));
      const first = byText("First post");
      const reply = byText("Replying to myself");
      const cat = byText("A cat");
      const gone = byText("Its file is gone");
      expect(first).toMatchObject({ created_at: "2019-03-04T05:06:07.000Z", visibility: "public", tags: [{ name: "hello" }] });
      expect(first?.content).not.toContain("<script>");
      expect(reply).toMatchObject({ created_at: "2019-03-05T00:00:00.000Z", visibility: "unlisted", in_reply_to_id: first?.id });
      expect(cat).toMatchObject({ created_at: "2020-01-01T10:00:00.000Z", visibility: "private" });
      expect(cat?.media_attachments).toHaveLength(1);
      expect(cat?.media_attachments[0]).toMatchObject({ type: "image", description: "A red and blue cat", meta: { focus: { x: 0.5, y: -0.25 } } });
      expect(cat?.media_attachments[0]?.blurhash).toMatch(/^.{6,}$/);
      expect(gone?.media_attachments).toEqual([]);
      expect(byText("Just for you")).toBeUndefined();
      // The self-boost is kept as a boost of the imported post; ids sort by the original dates.
      const boost = statuses?.find((status) => status.reblog !== null);
      expect(boost?.reblog?.id).toBe(first?.id);
      expect(boost?.created_at).toBe("2020-03-03T03:03:03.000Z");
      expect(statuses?.map((status) => status.created_at)).toEqual([...(statuses ?? [])].map((status) => status.created_at).sort().reverse());
      expect(favourites?.map((status) => status.id)).toEqual([first?.id]);
      expect(bookmarks?.map((status) => status.id)).toEqual([cat?.id]);
      // Not in anyone's feed: the owner's home stays as it was.
      expect(home).toEqual([]);

      const context = await get<{ ancestors: ApiStatus[]; descendants: ApiStatus[] }>(`/api/v1/statuses/${reply?.id}/context`);
      expect(context.ancestors.map((status) => status.id)).toEqual([first?.id]);
      const parentContext = await get<{ ancestors: ApiStatus[]; descendants: ApiStatus[] }>(`/api/v1/statuses/${first?.id}/context`);
      expect(parentContext.descendants.map((status) => status.id)).toEqual([reply?.id]);
    });
  });

  it("adds nothing on a second run, and brings the DM in (still direct) with --include-direct", async () => {
    const before = await countStatuses(dataDir.path);
    const again = await runHearth(["import", archive, "--data-dir", dataDir.path]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 new, 5 already here, of 6 posts and boosts");
    expect(await countStatuses(dataDir.path)).toBe(before);

    const withDirect = await runHearth(["import", archive, "--data-dir", dataDir.path, "--include-direct"]);
    expect(withDirect.code).toBe(0);
    expect(withDirect.stdout).toContain("1 new, 5 already here, of 7 posts and boosts");
    expect(await countStatuses(dataDir.path)).toBe(before + 1);
    await withApi(async (get) => {
      const me = await get<{ id: string }>("/api/v1/accounts/verify_credentials");
      const statuses = await get<ApiStatus[]>(`/api/v1/accounts/${me.id}/statuses?limit=40`);
      expect(statuses.find((status) => status.content.includes("Just for you"))).toMatchObject({ visibility: "direct", created_at: "2020-02-02T02:02:02.000Z" });
    });
  });

  describe("refuses bad input with a sentence and nothing imported", () => {
    async function refused(entries: ArchiveEntry[] | Buffer, name: string, extra: string[] = []): Promise<string> {
      const path = join(files.path, name);
      if (Buffer.isBuffer(entries)) writeFileSync(path, entries);
      else await writeZip(path, entries);
      const before = await countStatuses(dataDir.path);
      const result = await runInProcess(["import", path, "--data-dir", dataDir.path, ...extra]);
      expect(result.code, result.stderr).toBe(1);
      expect(await countStatuses(dataDir.path)).toBe(before);
      return result.stderr;
    }

    it("a file that is not a zip, and a truncated one", async () => {
      expect(await refused(Buffer.from("this is not a zip archive at all".repeat(10)), "garbage.zip")).toContain("is not a readable zip archive");
      const whole = readFileSync(archive);
      expect(await refused(whole.subarray(0, Math.floor(whole.length / 2)), "truncated.zip")).toContain("is not a readable zip archive");
    });

    it("a zip bomb", async () => {
      const entries = await archiveEntries();
      entries.push({ name: "media_attachments/files/zeros.bin", bytes: new Uint8Array(64 * 1024 * 1024) });
      expect(await refused(entries, "bomb.zip")).toContain("looks like a zip bomb");
    });

    it("an entry escaping the archive, and a symlink", async () => {
      const path = join(files.path, "escape-source.zip");
      await writeZip(path, [...(await archiveEntries()), { name: "zz/evil.txt", bytes: "owned" }]);
      // yazl refuses to write "..", as it should; the name is patched in both headers instead.
      const bytes = Buffer.from(readFileSync(path).toString("latin1").replaceAll("zz/evil.txt", "../evil.txt"), "latin1");
      expect(await refused(bytes, "escape.zip")).toContain("points outside the archive");
      expect(await refused([...(await archiveEntries()), { name: "media_attachments/link", bytes: "/etc/passwd", mode: 0o120777 }], "symlink.zip")).toContain(
        "symbolic link",
      );
    });

    it("JSON of the wrong shape", async () => {
      const entries = await archiveEntries();
      const replace = (name: string, value: unknown) => entries.map((entry) => (entry.name === name ? jsonEntry(name, value) : entry));
      expect(await refused(replace("outbox.json", { type: "Person", orderedItems: [] }), "person.zip")).toContain("is not what Mastodon writes");
      expect(await refused(replace("outbox.json", { type: "OrderedCollection", orderedItems: { a: 1 } }), "object.zip")).toContain("orderedItems is not a list");
      const undated = createNote({ actor: ACTOR, id: 9, published: "yesterday", content: "x", to: [AS_PUBLIC], cc: [] });
      const good = createNote({ actor: ACTOR, id: 10, published: "2022-01-01T00:00:00Z", content: "x", to: [AS_PUBLIC], cc: [] });
      expect(await refused(replace("outbox.json", orderedCollection("outbox.json", [good, undated])), "undated.zip")).toContain("item 2");
      expect(await refused(replace("likes.json", orderedCollection("likes.json", [{ id: 1 }])), "likes.zip")).toContain("likes.json");
      const broken = entries.map((entry) => (entry.name === "outbox.json" ? { name: entry.name, bytes: '{"type":"OrderedCollection","orderedItems":[{"type":' } : entry));
      expect(await refused(broken, "broken.zip")).toContain("outbox.json");
      expect(await refused(entries.filter((entry) => entry.name !== "actor.json"), "no-actor.zip")).toContain("is not a Mastodon archive");
    });

    it("another account's archive, unless --force says so (the positive control)", async () => {
      const mallory = join(files.path, "mallory.zip");
      await writeZip(mallory, await archiveEntries("mallory"));
      expect(await refused(readFileSync(mallory), "mallory-copy.zip")).toContain("is the archive of @mallory@old.example, not of @alice");
      const before = await countStatuses(dataDir.path);
      const forced = await runInProcess(["import", mallory, "--data-dir", dataDir.path, "--force"]);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await countStatuses(dataDir.path)).toBe(before + 5);
    });
  });

  it("works beside a running serve: the posts are readable through it at once", async () => {
    const path = join(files.path, "later.zip");
    const later = createNote({ actor: ACTOR, id: 20, published: "2023-06-01T12:00:00Z", content: "<p>Imported while serving</p>", to: [AS_PUBLIC], cc: [] });
    await writeZip(path, [jsonEntry("actor.json", archiveActor(OLD, "alice")), jsonEntry("outbox.json", orderedCollection("outbox.json", [later]))]);
    const serving = await serveHearth(["--data-dir", dataDir.path]);
    try {
      const result = await runHearth(["import", path, "--data-dir", dataDir.path]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("1 new, 0 already here, of 1 posts and boosts");
      const me = (await (await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string };
      const statuses = (await (await fetch(`${serving.localUrl}/api/v1/accounts/${me.id}/statuses?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as ApiStatus[];
      expect(statuses[0]).toMatchObject({ created_at: "2023-06-01T12:00:00.000Z" });
      expect(statuses[0]?.content).toContain("Imported while serving");
    } finally {
      await serving.stop();
    }
  });

  it("stops after the batch under way when asked (Ctrl+C), and a second run goes on without duplicates", async () => {
    const dir = makeTempDir("import-resume");
    try {
      const database = await openDataDirectoryDatabase(dir.path);
      try {
        const core = createCoreContext(database.db, systemClock);
        await setupInstance(core, { username: "alice", password: "correct horse battery staple", displayName: undefined, publicOrigin: "https://hearth.example" });
        const account = await findOwnerAccount(core);
        if (!account) throw new Error("no owner");
        const items = Array.from({ length: 9 }, (_, index) =>
          createNote({ actor: ACTOR, id: 100 + index, published: `2018-01-0${index + 1}T00:00:00Z`, content: `<p>Post ${index}</p>`, to: [AS_PUBLIC], cc: [] }),
        );
        const path = join(files.path, "nine.zip");
        await writeZip(path, [jsonEntry("actor.json", archiveActor(OLD, "alice")), jsonEntry("outbox.json", orderedCollection("outbox.json", items))]);
        const abort = new AbortController();
        const options = { file: path, core, storage: createMediaStorage(mediaRootOf(dir.path)), account, includeDirect: false, force: false, batchSize: 4 };
        const first = await importMastodonArchive({ ...options, signal: abort.signal, progress: { phase: () => {}, advance: () => abort.abort(), end: () => {} } });
        expect(first).toMatchObject({ stopped: true, imported: 4 });
        const second = await importMastodonArchive(options);
        expect(second).toMatchObject({ stopped: false, imported: 5, alreadyPresent: 4 });
        const rows = await database.db.selectFrom("statuses").select(["import_uri", "created_at"]).orderBy("id").execute();
        expect(rows.map((row) => row.import_uri)).toEqual(items.map((item) => (item.object as { id: string }).id));
        expect(rows[0]?.created_at).toBe("2018-01-01T00:00:00.000Z");
      } finally {
        await database.close();
      }
    } finally {
      dir.remove();
    }
  });
});
