import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { isBlurhashValid } from "blurhash";
import { createRestAPIClient, type mastodon } from "masto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLocalAccount, prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { LIMITS } from "../../server/core/limits.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import { cleanUpUnattachedMedia } from "../../server/media/cleanup.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { mp4, noise, twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// Small enough that the test need not send 16 MB to prove the limit; large enough for the real pictures here.
const IMAGE_SIZE_LIMIT = 300 * 1024;

describe("Media: uploads, processing, and the files they become", () => {
  const dataDir = makeTempDir("media-api");
  let running: RunningInstance;
  let url: string;
  let alice: mastodon.rest.Client;
  let aliceToken: string;
  let bobToken: string;
  let readOnlyToken: string;

  beforeAll(async () => {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      await setupInstance(createCoreContext(database.db, systemClock), { username: "alice", password: "correct horse battery staple" });
    } finally {
      await database.close();
    }
    running = await startInstance({ dataDir: dataDir.path, port: 0, mediaLimits: { imageSizeLimit: IMAGE_SIZE_LIMIT } });
    url = running.localUrl;
    const core = running.core;
    const aliceRow = await core.db.selectFrom("accounts").selectAll().where("username", "=", "alice").executeTakeFirstOrThrow();
    const prepared = await prepareLocalAccount({ username: "bob", password: "another good password", role: "member" });
    const bobRow = await core.db.transaction().execute((trx) => insertLocalAccount(core, trx, prepared));
    aliceToken = (await issueCliToken(core, aliceRow.id, ["read", "write"])).token;
    bobToken = (await issueCliToken(core, bobRow.id, ["read", "write"])).token;
    readOnlyToken = (await issueCliToken(core, aliceRow.id, ["read"])).token;
    alice = createRestAPIClient({ url, accessToken: aliceToken });
  });
  afterAll(async () => {
    await running?.close();
    dataDir.remove();
  });

  function post(path: string, form: FormData, token = aliceToken): Promise<Response> {
    return fetch(`${url}${path}`, { method: "POST", body: form, headers: { Authorization: `Bearer ${token}` } });
  }

  function api(method: string, path: string, token = aliceToken, body?: unknown): Promise<Response> {
    return fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  function formWith(bytes: Uint8Array, name: string, type: string, extra: Record<string, string> = {}): FormData {
    const form = new FormData();
    form.set("file", new Blob([bytes], { type }), name);
    for (const [key, value] of Object.entries(extra)) form.set(key, value);
    return form;
  }

  /** A GET with the path sent exactly as written: fetch would tidy away the dot segments we mean to send. */
  function rawGet(path: string): Promise<{ status: number; contentType: string; body: string }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: hostname, port, path, method: "GET" }, (response) => {
        let body = "";
        response.setEncoding("latin1");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"] ?? "", body }));
      });
      request.on("error", reject);
      request.end();
    });
  }

  it("uploads a photo through masto, processes it, and serves it and its preview", async () => {
    const photo = await twoColours(1600, 1200).jpeg({ quality: 80 }).toBuffer();
    const media = await alice.v2.media.create({ file: new Blob([photo], { type: "image/jpeg" }), description: "Red and blue", focus: "-0.5,0.25" });
    expect(media.type).toBe("image");
    expect(media.url).toMatch(new RegExp(`^${url}/media/attachments/\\d{4}-\\d{2}/${media.id}-[0-9a-f]{16}\\.jpg$`));
    expect(media.description).toBe("Red and blue");
    expect(media.meta?.original).toEqual({ width: 1600, height: 1200, size: "1600x1200", aspect: 1600 / 1200 });
    expect(media.meta?.small).toEqual({ width: 640, height: 480, size: "640x480", aspect: 640 / 480 });
    expect(media.meta?.focus).toEqual({ x: -0.5, y: 0.25 });
    expect(isBlurhashValid(media.blurhash!).result).toBe(true);

    const updated = await alice.v1.media.$select(media.id).update({ description: "A red and blue flag", focus: "0.1,-0.9" });
    expect(updated.description).toBe("A red and blue flag");
    expect(updated.meta?.focus).toEqual({ x: 0.1, y: -0.9 });
    expect((await alice.v1.media.$select(media.id).fetch()).description).toBe("A red and blue flag");

    const original = await fetch(media.url!);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("image/jpeg");
    expect(original.headers.get("x-content-type-options")).toBe("nosniff");
    expect(original.headers.get("cache-control")).toContain("immutable");
    const originalBytes = Buffer.from(await original.arrayBuffer());
    expect(await sharp(originalBytes).metadata()).toMatchObject({ format: "jpeg", width: 1600, height: 1200 });

    const preview = await fetch(media.previewUrl!);
    expect(preview.headers.get("content-type")).toBe("image/jpeg");
    expect(await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).toMatchObject({ width: 640, height: 480 });

    const etag = original.headers.get("etag")!;
    const again = await fetch(media.url!, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("answers POST /api/v2/media with 202 and no url, then 206 while processing and 200 when done", async () => {
    // A large picture first: uploads are processed one at a time, so the second waits behind it.
    const slow = await twoColours(6000, 4000).jpeg({ quality: 50 }).toBuffer();
    const first = await post("/api/v2/media", formWith(slow, "big.jpg", "image/jpeg"));
    expect(first.status).toBe(202);
    const small = await twoColours(300, 200).png().toBuffer();
    const accepted = await post("/api/v2/media", formWith(small, "small.png", "image/png", { description: "tiny" }));
    expect(accepted.status).toBe(202);
    const entity = (await accepted.json()) as { id: string; url: string | null; preview_url: string | null; description: string; text_url: null };
    expect(entity).toMatchObject({ url: null, description: "tiny", text_url: null });

    const polled = await api("GET", `/api/v1/media/${entity.id}`);
    expect(polled.status).toBe(206);
    expect(((await polled.json()) as { url: string | null }).url).toBeNull();

    const done = await waitFor(
      async () => {
        const response = await api("GET", `/api/v1/media/${entity.id}`);
        return response.status === 200 && ((await response.json()) as { url: string; meta: { original: { width: number } } });
      },
      { timeoutMs: 30_000, what: "the upload to be processed" },
    );
    expect(done.meta.original.width).toBe(300);
    expect((await fetch(done.url)).headers.get("content-type")).toBe("image/png");
  });

  it("answers POST /api/v1/media only once the file is processed", async () => {
    const response = await post("/api/v1/media", formWith(await twoColours(100, 100).webp().toBuffer(), "x.webp", "image/webp"));
    expect(response.status).toBe(200);
    const entity = (await response.json()) as { url: string; preview_url: string; remote_url: null; preview_remote_url: null };
    expect(entity.url).toMatch(/\.webp$/);
    expect(entity).toMatchObject({ remote_url: null, preview_remote_url: null });
    expect((await fetch(entity.preview_url)).status).toBe(200);
  });

  it("refuses a file that only claims to be an image, one over the limit, and none at all", async () => {
    const fake = await post("/api/v2/media", formWith(new TextEncoder().encode("I am text, not a picture"), "photo.png", "image/png"));
    expect(fake.status).toBe(422);
    expect(((await fake.json()) as { error: string }).error).toMatch(/not an image, video or audio file/);

    const large = await noise(400, 400).png().toBuffer();
    expect(large.byteLength).toBeGreaterThan(IMAGE_SIZE_LIMIT);
    const over = await post("/api/v1/media", formWith(large, "noise.png", "image/png"));
    expect(over.status).toBe(422);
    expect(((await over.json()) as { error: string }).error).toMatch(/image files may be at most 300 KB|at most 0\.3 MB/);

    const form = new FormData();
    form.set("description", "no file here");
    const missing = await post("/api/v2/media", form);
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: string }).error).toMatch(/No file was uploaded/);

    const badFocus = await post("/api/v2/media", formWith(await twoColours(10, 10).png().toBuffer(), "a.png", "image/png", { focus: "3,3" }));
    expect(badFocus.status).toBe(422);
    const longDescription = await post("/api/v2/media", formWith(await twoColours(10, 10).png().toBuffer(), "a.png", "image/png", { description: "x".repeat(1501) }));
    expect(longDescription.status).toBe(422);
  });

  it("keeps one account's uploads from another, and needs write:media", async () => {
    const media = await alice.v1.media.create({ file: new Blob([await twoColours(50, 50).png().toBuffer()], { type: "image/png" }) });
    expect((await api("GET", `/api/v1/media/${media.id}`, bobToken)).status).toBe(404);
    expect((await api("PUT", `/api/v1/media/${media.id}`, bobToken, { description: "mine now" })).status).toBe(404);
    expect((await api("DELETE", `/api/v1/media/${media.id}`, bobToken)).status).toBe(404);
    expect((await api("GET", `/api/v1/media/${media.id}`, readOnlyToken)).status).toBe(403);
    expect((await post("/api/v2/media", formWith(await twoColours(10, 10).png().toBuffer(), "a.png", "image/png"), readOnlyToken)).status).toBe(403);
    expect((await fetch(`${url}/api/v1/media/${media.id}`)).status).toBe(401);
    expect((await api("GET", "/api/v1/media/999999999999999999")).status).toBe(404);
    expect((await alice.v1.media.$select(media.id).fetch()).description).toBeNull();
  });

  it("deletes an unattached upload and its files, but not one a status holds", async () => {
    const loose = await alice.v1.media.create({ file: new Blob([await twoColours(40, 40).png().toBuffer()], { type: "image/png" }) });
    expect((await api("DELETE", `/api/v1/media/${loose.id}`)).status).toBe(200);
    expect((await api("GET", `/api/v1/media/${loose.id}`)).status).toBe(404);
    expect((await fetch(loose.url!)).status).toBe(404);
    expect((await fetch(loose.previewUrl!)).status).toBe(404);

    const posted = await alice.v1.media.create({ file: new Blob([await twoColours(40, 40).png().toBuffer()], { type: "image/png" }) });
    await attachToNewStatus(posted.id);
    expect((await api("DELETE", `/api/v1/media/${posted.id}`)).status).toBe(422);
    // Once posted, media changes only through the status (as on Mastodon).
    expect((await api("GET", `/api/v1/media/${posted.id}`)).status).toBe(404);
    expect((await api("PUT", `/api/v1/media/${posted.id}`, aliceToken, { description: "late" })).status).toBe(404);
    expect((await fetch(posted.url!)).status).toBe(200);
  });

  /** What the statuses endpoint will do when it posts: here by hand, since only the media side is under test. */
  async function attachToNewStatus(mediaId: string): Promise<void> {
    const core = running.core;
    const media = await core.db.selectFrom("media_attachments").select("account_id").where("id", "=", mediaId).executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const statusId = core.ids.next();
    await core.db
      .insertInto("statuses")
      .values({ id: statusId, account_id: media.account_id, local: 1, visibility: "public", content: "<p>look</p>", created_at: now, updated_at: now })
      .execute();
    await core.db.updateTable("media_attachments").set({ status_id: statusId }).where("id", "=", mediaId).execute();
  }

  it("stores video as it came, with its size read from the file, and serves byte ranges", async () => {
    const video = mp4({ width: 1280, height: 720, dataBytes: 5000 });
    const response = await post("/api/v1/media", formWith(video, "clip.mp4", "video/mp4"));
    expect(response.status).toBe(200);
    const entity = (await response.json()) as { type: string; url: string; preview_url: string | null; meta: { original: Record<string, unknown> } };
    expect(entity.type).toBe("video");
    expect(entity.preview_url).toBeNull();
    expect(entity.meta.original).toMatchObject({ width: 1280, height: 720, duration: 5.5 });

    const whole = await fetch(entity.url);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(video))).toBe(true);

    const part = await fetch(entity.url, { headers: { Range: "bytes=4-11" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 4-11/${video.byteLength}`);
    expect(new TextDecoder().decode(await part.arrayBuffer())).toBe("ftypisom");
    const past = await fetch(entity.url, { headers: { Range: `bytes=${video.byteLength}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${video.byteLength}`);
  });

  it("answers 404 to every way out of the media folder", async () => {
    const media = await alice.v1.media.create({ file: new Blob([await twoColours(20, 20).png().toBuffer()], { type: "image/png" }) });
    const stored = new URL(media.url!).pathname;
    expect((await rawGet(stored)).status).toBe(200);
    // A picture next to the media folder, with a name the file server would serve if it could reach it.
    writeFileSync(join(dataDir.path, "outside.png"), await twoColours(5, 5).png().toBuffer());
    // Dot segments, plain or encoded, are resolved by the URL parser before routing: these leave /media/ and
    // land on the web interface's page, never on a file of the data directory.
    for (const path of ["/media/../hearth.db", "/media/../../etc/passwd", "/media/%2e%2e/hearth.db", "/media/attachments/%2e%2e/%2e%2e/hearth.db"]) {
      const response = await rawGet(path);
      expect(response.status === 404 || response.contentType.startsWith("text/html"), path).toBe(true);
      expect(response.body, path).not.toMatch(/SQLite format|root:/);
    }
    // What stays under /media/ but is not a stored file's name.
    for (const path of [
      "/media/..%2foutside.png",
      "/media/attachments/..%2f..%2foutside.png",
      "/media/%2e%2e%2foutside.png",
      "/media/..%5coutside.png",
      "/media/..%2fhearth.db",
      "/media/%2e%2e%2fhearth.db",
      "/media/attachments/..%2f..%2fhearth.db",
      "/media/..%5chearth.db",
      "/media/attachments/..%5c..%5chearth.db",
      "/media/%00",
      "/media/%zz",
      "/media/attachments",
      "/media/attachments/",
      "/media/",
      `${stored}%00.png`,
      stored.replace(/\.png$/, ".html"),
      stored.replace(/\/([^/]+)$/, "/.$1"),
    ]) {
      const response = await rawGet(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain("SQLite format");
      expect(response.contentType, path).not.toBe("image/png");
    }
  });

  it("publishes the limits it enforces", async () => {
    const instance = (await (await fetch(`${url}/api/v2/instance`)).json()) as { configuration: { media_attachments: Record<string, unknown> } };
    expect(instance.configuration.media_attachments).toMatchObject({
      image_size_limit: 16 * 1024 * 1024,
      video_size_limit: 99 * 1024 * 1024,
      description_limit: 1500,
      supported_mime_types: [...LIMITS.media.supportedMimeTypes],
    });
    expect(LIMITS.media.supportedMimeTypes).toEqual(expect.arrayContaining(["image/jpeg", "image/png", "video/mp4", "audio/mpeg"]));
  });

  it("removes uploads no status took, with their files, and keeps posted ones", async () => {
    const loose = await alice.v1.media.create({ file: new Blob([await twoColours(30, 30).png().toBuffer()], { type: "image/png" }) });
    const posted = await alice.v1.media.create({ file: new Blob([await twoColours(30, 30).png().toBuffer()], { type: "image/png" }) });
    await attachToNewStatus(posted.id);
    // A lifetime of zero: everything unattached counts as a day old.
    const removed = await cleanUpUnattachedMedia(running.core, createMediaStorage(mediaRootOf(dataDir.path)), 0);
    expect(removed).toBeGreaterThan(0);
    expect((await api("GET", `/api/v1/media/${loose.id}`)).status).toBe(404);
    expect((await fetch(loose.url!)).status).toBe(404);
    expect((await fetch(posted.url!)).status).toBe(200);
  });
});
