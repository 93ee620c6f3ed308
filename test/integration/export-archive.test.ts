import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { readZipEntries } from "../helpers/zip-entries.ts";

const ORIGIN = "https://hearth.example";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const ALICE = `${ORIGIN}/users/alice`;
const FOLLOWERS = `${ALICE}/followers`;
const BOB = `${ORIGIN}/users/bob`;

type Json = Record<string, unknown>;

interface Posted {
  publicWithMedia: mastodon.v1.Status;
  unlisted: mastodon.v1.Status;
  followersOnly: mastodon.v1.Status;
  direct: mastodon.v1.Status;
  reply: mastodon.v1.Status;
  poll: mastodon.v1.Status;
  bobs: mastodon.v1.Status;
  mediaUrl: string;
}

describe("hearth export: the account's archive in Mastodon's format", () => {
  const dataDir = makeTempDir("export-archive");
  const outDir = makeTempDir("export-archive-out");
  let running: RunningInstance | undefined;
  let posted: Posted;
  let entries: Map<string, Buffer>;
  let stdout: string;
  let stderr: string;

  beforeAll(async () => {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      await setupInstance(createCoreContext(database.db, systemClock), { username: "alice", password: "correct horse battery staple", publicOrigin: ORIGIN });
    } finally {
      await database.close();
    }
    running = await startInstance({ dataDir: dataDir.path, port: 0 });
    const core = running.core;
    const aliceRow = await core.db.selectFrom("accounts").selectAll().where("username", "=", "alice").executeTakeFirstOrThrow();
    const alice: ApiUser = await apiUser(core, running.localUrl, aliceRow);
    const bob: ApiUser = await apiUser(core, running.localUrl, await addLocalAccount(core, "bob"));

    const photo = await twoColours(64, 48).png().toBuffer();
    const media = await alice.client.v1.media.create({ file: new Blob([photo], { type: "image/png" }), description: "Two colours", focus: "0.5,-0.25" });
    const publicWithMedia = await alice.client.v1.statuses.create({ status: "A public post with a picture #hearth", mediaIds: [media.id], visibility: "public", language: "en" });
    const unlisted = await alice.client.v1.statuses.create({ status: "Quietly public", visibility: "unlisted" });
    const followersOnly = await alice.client.v1.statuses.create({ status: "Only for followers, and @bob", visibility: "private" });
    const direct = await alice.client.v1.statuses.create({ status: "@bob just between us", visibility: "direct" });
    const reply = await alice.client.v1.statuses.create({ status: "And a follow-up", inReplyToId: publicWithMedia.id, visibility: "public" });
    const poll = await alice.client.v1.statuses.create({ status: "Tea or coffee?", poll: { options: ["Tea", "Coffee"], expiresIn: 3600 } });
    const bobs = await bob.client.v1.statuses.create({ status: "Bob says hello", visibility: "public" });
    await alice.client.v1.statuses.$select(bobs.id).favourite();
    await alice.client.v1.statuses.$select(bobs.id).bookmark();
    await alice.client.v1.statuses.$select(bobs.id).reblog();
    posted = { publicWithMedia, unlisted, followersOnly, direct, reply, poll, bobs, mediaUrl: media.url ?? "" };
    await running.close();
    running = undefined;

    const result = await runHearth(["export", "--data-dir", dataDir.path, "--to", outDir.path]);
    expect(result.stderr).not.toMatch(/unexpected/);
    expect(result.code).toBe(0);
    stdout = result.stdout;
    stderr = result.stderr;
    const path = stdout.trim().split("\n").at(-1) ?? "";
    entries = await readZipEntries(readFileSync(path));
  });
  afterAll(async () => {
    await running?.close();
    dataDir.remove();
    outDir.remove();
  });

  function json(name: string): Json {
    const bytes = entries.get(name);
    if (!bytes) throw new Error(`${name} is not in the archive (it has ${[...entries.keys()].join(", ")})`);
    return JSON.parse(bytes.toString("utf8")) as Json;
  }

  function items(): Json[] {
    return json("outbox.json").orderedItems as Json[];
  }

  function itemOf(status: mastodon.v1.Status): Json {
    const found = items().find((item) => (item.object as Json | undefined)?.id === `${ALICE}/statuses/${status.id}`);
    if (!found) throw new Error(`status ${status.id} is not in outbox.json`);
    return found;
  }

  it("prints the archive's path last and leaves nothing half-written beside it", () => {
    const path = stdout.trim().split("\n").at(-1) ?? "";
    expect(path).toMatch(new RegExp(`^${outDir.path}/archive-\\d{14}-alice\\.zip$`));
    expect(readdirSync(outDir.path)).toEqual([path.slice(outDir.path.length + 1)]);
  });

  it("tells its progress in plain lines on a stderr that is not a terminal", () => {
    expect(stderr).toMatch(/^Posts: 7\/7 \(100%\)$/m);
    expect(stderr).toMatch(/^Media files: 1\/1 \(100%\)$/m);
    expect(stderr).toMatch(/Exported 7 posts, 1 media files, 1 favourites and 1 bookmarks of @alice/);
    expect(stderr).not.toMatch(/\r/);
  });

  it("holds the files Mastodon's archive has", () => {
    expect([...entries.keys()]).toEqual(expect.arrayContaining(["actor.json", "outbox.json", "likes.json", "bookmarks.json"]));
  });

  it("writes the actor as Mastodon's backup does: collections renamed to the archive's files", () => {
    const actor = json("actor.json");
    expect(actor).toMatchObject({ id: ALICE, type: "Person", preferredUsername: "alice", outbox: "outbox.json", likes: "likes.json", bookmarks: "bookmarks.json" });
    expect(actor["@context"]).toEqual(expect.arrayContaining(["https://www.w3.org/ns/activitystreams"]));
    expect(actor.publicKey).toMatchObject({ owner: ALICE });
    // No picture of her own: no icon naming the stand-in.
    expect(actor.icon).toBeUndefined();
  });

  it("writes outbox.json as an OrderedCollection of every post, each a Create with its full Note", () => {
    const outbox = json("outbox.json");
    expect(outbox).toMatchObject({ id: "outbox.json", type: "OrderedCollection", totalItems: 7 });
    expect(outbox["@context"]).toEqual(expect.arrayContaining(["https://www.w3.org/ns/activitystreams"]));
    expect(items()).toHaveLength(7);
    const first = itemOf(posted.publicWithMedia);
    expect(first["@context"]).toBeUndefined();
    expect(first).toMatchObject({ id: `${ALICE}/statuses/${posted.publicWithMedia.id}/activity`, type: "Create", actor: ALICE });
    expect(first.object).toMatchObject({
      type: "Note",
      attributedTo: ALICE,
      content: posted.publicWithMedia.content,
      contentMap: { en: posted.publicWithMedia.content },
      url: `${ORIGIN}/@alice/${posted.publicWithMedia.id}`,
      sensitive: false,
    });
    // The same instant; a whole second is written without its ".000".
    expect(Date.parse(String((first.object as Json).published))).toBe(Date.parse(posted.publicWithMedia.createdAt));
    expect((first.object as Json).tag).toEqual([expect.objectContaining({ type: "Hashtag", name: "#hearth" })]);
  });

  it("addresses each visibility as Mastodon does (to/cc on the activity and its object)", () => {
    const expected: Array<[mastodon.v1.Status, string[], string[]]> = [
      [posted.publicWithMedia, [PUBLIC], [FOLLOWERS]],
      [posted.unlisted, [FOLLOWERS], [PUBLIC]],
      [posted.followersOnly, [FOLLOWERS], [BOB]],
      [posted.direct, [BOB], []],
    ];
    for (const [status, to, cc] of expected) {
      const item = itemOf(status);
      expect({ to: item.to, cc: item.cc }, status.content).toEqual({ to, cc });
      expect({ to: (item.object as Json).to, cc: (item.object as Json).cc }, status.content).toEqual({ to, cc });
    }
  });

  it("keeps a reply's inReplyTo, a poll as a Question and a boost as an Announce of the original's id", () => {
    expect(itemOf(posted.reply).object).toMatchObject({ inReplyTo: `${ALICE}/statuses/${posted.publicWithMedia.id}` });
    expect(itemOf(posted.poll).object).toMatchObject({
      type: "Question",
      oneOf: [expect.objectContaining({ type: "Note", name: "Tea" }), expect.objectContaining({ type: "Note", name: "Coffee" })],
    });
    const announce = items().find((item) => item.type === "Announce");
    expect(announce).toMatchObject({ actor: ALICE, object: `${BOB}/statuses/${posted.bobs.id}`, to: [PUBLIC] });
    expect(announce?.cc).toEqual(expect.arrayContaining([FOLLOWERS, BOB]));
  });

  it("names each attachment by the path of its file in the archive, with Mastodon's fields", () => {
    const attachments = (itemOf(posted.publicWithMedia).object as Json).attachment as Json[];
    expect(attachments).toHaveLength(1);
    const [attachment] = attachments;
    expect(attachment).toMatchObject({ type: "Document", mediaType: "image/png", name: "Two colours", width: 64, height: 48, focalPoint: [0.5, -0.25] });
    expect(typeof attachment?.blurhash).toBe("string");
    const url = String(attachment?.url);
    expect(url).toMatch(/^media_attachments\/files\//);
    const inArchive = entries.get(url);
    expect(inArchive).toBeDefined();
    const stored = createMediaStorage(mediaRootOf(dataDir.path)).resolve(new URL(posted.mediaUrl).pathname.replace(/^\/media\//, ""));
    expect(inArchive?.equals(readFileSync(stored ?? ""))).toBe(true);
  });

  it("lists the favourited and bookmarked statuses by their ids, as likes.json and bookmarks.json", () => {
    const bobsUri = `${BOB}/statuses/${posted.bobs.id}`;
    expect(json("likes.json")).toEqual({ "@context": "https://www.w3.org/ns/activitystreams", id: "likes.json", type: "OrderedCollection", totalItems: 1, orderedItems: [bobsUri] });
    expect(json("bookmarks.json")).toMatchObject({ id: "bookmarks.json", type: "OrderedCollection", totalItems: 1, orderedItems: [bobsUri] });
  });

  it("refuses a directory that was never set up, with a sentence, and writes nothing", async () => {
    const empty = makeTempDir("export-empty");
    try {
      const result = await runHearth(["export", "--data-dir", empty.path, "--to", join(empty.path, "out")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is not set up yet/);
      expect(readdirSync(empty.path)).toEqual([]);
    } finally {
      rmSync(empty.path, { recursive: true, force: true });
    }
  });

  it("refuses an account that is not on the instance, and a positive control exports bob", async () => {
    const missing = await runHearth(["export", "--data-dir", dataDir.path, "--username", "nobody", "--to", outDir.path]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no local account named nobody/);
    const bobs = await runHearth(["export", "--data-dir", dataDir.path, "--username", "bob", "--to", join(outDir.path, "bob")]);
    expect(bobs.code).toBe(0);
    const bobEntries = await readZipEntries(readFileSync(bobs.stdout.trim().split("\n").at(-1) ?? ""));
    expect(JSON.parse(bobEntries.get("outbox.json")?.toString() ?? "{}")).toMatchObject({ totalItems: 1 });
  });

  it("works beside a running serve of the same directory, through the database", async () => {
    const serving = await serveHearth(["--data-dir", dataDir.path]);
    try {
      const beside = await runHearth(["export", "--data-dir", dataDir.path, "--to", join(outDir.path, "beside")]);
      expect(beside.stderr).not.toMatch(/unexpected/);
      expect(beside.code).toBe(0);
      const besideEntries = await readZipEntries(readFileSync(beside.stdout.trim().split("\n").at(-1) ?? ""));
      expect(JSON.parse(besideEntries.get("outbox.json")?.toString() ?? "{}")).toMatchObject({ totalItems: 7 });
      // The server went on serving.
      expect((await fetch(`${serving.localUrl}/api/v1/instance`)).status).toBe(200);
    } finally {
      await serving.stop();
    }
  });
});
