import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { getMediaAttachment, remoteMediaKey } from "../../server/core/media/media.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import { isPublicAddress } from "../../server/net/ip-addresses.ts";
import { PublicFetchError } from "../../server/net/outgoing-policy.ts";
import { createRemoteMediaCache, RemoteMediaRefused } from "../../server/media/remote-cache.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { insertTestAccount } from "../helpers/core-database.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("Remote media, fetched on demand and kept here", () => {
  const dataDir = makeTempDir("media-remote-cache");
  let running: RunningInstance;
  let peer: Server;
  let peerUrl: string;
  const hits = new Map<string, number>();
  let photo: Buffer;

  beforeAll(async () => {
    photo = await twoColours(1200, 900).jpeg().toBuffer();
    // A peer's media server: a photo, a redirect to it, and a file that only claims to be a picture.
    peer = createServer((request, response) => {
      hits.set(request.url ?? "", (hits.get(request.url ?? "") ?? 0) + 1);
      if (request.url === "/files/photo.jpg") {
        response.writeHead(200, { "Content-Type": "image/jpeg" });
        response.end(photo);
      } else if (request.url === "/files/moved.jpg") {
        response.writeHead(301, { Location: "/files/photo.jpg" });
        response.end();
      } else if (request.url === "/files/lies.png") {
        response.writeHead(200, { "Content-Type": "image/png" });
        response.end("<html><script>alert(1)</script></html>");
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;

    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      await setupInstance(createCoreContext(database.db, systemClock), { username: "alice", password: "correct horse battery staple" });
    } finally {
      await database.close();
    }
    running = await startInstance({ dataDir: dataDir.path, port: 0, allowPrivateNetwork: true });
  });
  afterAll(async () => {
    await running?.close();
    await new Promise((resolve) => peer?.close(resolve));
    dataDir.remove();
  });

  /** A remote post's attachment as federation stores it: a row that only links to the peer. */
  async function remoteAttachment(path: string): Promise<string> {
    const core = running.core;
    const now = new Date().toISOString();
    const username = `carol${core.ids.next()}`;
    const { id: accountId } = await insertTestAccount(core, username, new URL(peerUrl).host, { uri: `${peerUrl}/users/${username}` });
    const statusId = core.ids.next();
    await core.db
      .insertInto("statuses")
      .values({ id: statusId, account_id: accountId, uri: `${peerUrl}/statuses/${statusId}`, local: 0, visibility: "public", created_at: now, updated_at: now })
      .execute();
    const mediaId = core.ids.next();
    await core.db
      .insertInto("media_attachments")
      .values({ id: mediaId, account_id: accountId, status_id: statusId, type: "image", remote_url: `${peerUrl}${path}`, description: "from afar", created_at: now, updated_at: now })
      .execute();
    return mediaId;
  }

  /** The proxy address the MediaAttachment entity gives out: the id and the key of the peer's address. */
  async function proxyUrl(id: string, variant: "original" | "small"): Promise<string> {
    const row = await getMediaAttachment(running.core, id);
    return `${running.localUrl}/media_proxy/${id}/${variant}?k=${remoteMediaKey(row!.remote_url!)}`;
  }

  it("sends /media_proxy to a processed copy of the peer's file, fetched once", async () => {
    const id = await remoteAttachment("/files/photo.jpg");
    const [original, small] = await Promise.all([
      fetch(await proxyUrl(id, "original"), { redirect: "manual" }),
      fetch(await proxyUrl(id, "small"), { redirect: "manual" }),
    ]);
    expect(original.status).toBe(302);
    const originalUrl = original.headers.get("location")!;
    expect(originalUrl).toMatch(new RegExp(`^${running.localUrl}/media/cache/\\d{4}-\\d{2}/${id}-[0-9a-f]{16}\\.jpg$`));
    expect(small.headers.get("location")).toMatch(/-small\.jpg$/);
    expect(hits.get("/files/photo.jpg")).toBe(1);

    const file = await fetch(originalUrl);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    expect(await sharp(Buffer.from(await file.arrayBuffer())).metadata()).toMatchObject({ width: 1200, height: 900 });
    const preview = await fetch(small.headers.get("location")!);
    expect(await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).toMatchObject({ width: 640, height: 480 });

    const row = await getMediaAttachment(running.core, id);
    expect(row?.remote_url).toBe(`${peerUrl}/files/photo.jpg`);
    expect(JSON.parse(row!.meta_json)).toMatchObject({ original: { width: 1200, height: 900 }, small: { width: 640, height: 480 } });
    expect(row?.blurhash).toBeTruthy();
  });

  it("follows a redirect, and sends the client to the peer when the file is not media", async () => {
    const moved = await remoteAttachment("/files/moved.jpg");
    const cache = createRemoteMediaCache({ core: running.core, storage: createMediaStorage(mediaRootOf(dataDir.path)), allowPrivateNetwork: true });
    expect((await cache.ensureCached(moved))?.file).toMatch(/^cache\//);

    const lies = await remoteAttachment("/files/lies.png");
    await expect(cache.ensureCached(lies)).rejects.toBeInstanceOf(RemoteMediaRefused);
    expect((await getMediaAttachment(running.core, lies))?.file).toBeNull();
    const proxied = await fetch(await proxyUrl(lies, "original"), { redirect: "manual" });
    expect(proxied.status).toBe(302);
    expect(proxied.headers.get("location")).toBe(`${peerUrl}/files/lies.png`);
    expect((await fetch(`${running.localUrl}/media_proxy/999999999999999999/original`, { redirect: "manual" })).status).toBe(404);
  });

  it("answers 404 to a proxy address without the key, or with a wrong one, and asks the peer for nothing", async () => {
    const id = await remoteAttachment("/files/unseen.jpg");
    const key = remoteMediaKey(`${peerUrl}/files/unseen.jpg`);
    const otherKey = remoteMediaKey(`${peerUrl}/files/photo.jpg`);
    for (const query of ["", "?k=", `?k=${otherKey}`, `?k=${key.slice(0, -1)}`, `?k=${key}x`, `?k=${key.toUpperCase()}`]) {
      for (const variant of ["original", "small"]) {
        const response = await fetch(`${running.localUrl}/media_proxy/${id}/${variant}${query}`, { redirect: "manual" });
        expect(response.status, `${variant}${query}`).toBe(404);
      }
    }
    expect(hits.get("/files/unseen.jpg")).toBeUndefined();
    expect((await getMediaAttachment(running.core, id))?.file).toBeNull();
    // The right key opens it (the peer has no such file, so the client is sent to the peer's address).
    const opened = await fetch(`${running.localUrl}/media_proxy/${id}/original?k=${key}`, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(hits.get("/files/unseen.jpg")).toBe(1);
  });

  it("fetches nothing on this machine or the LAN unless private networks are allowed", async () => {
    const id = await remoteAttachment("/files/photo.jpg");
    const before = hits.get("/files/photo.jpg");
    const guarded = createRemoteMediaCache({ core: running.core, storage: createMediaStorage(mediaRootOf(dataDir.path)), allowPrivateNetwork: false });
    await expect(guarded.ensureCached(id)).rejects.toBeInstanceOf(PublicFetchError);
    expect(hits.get("/files/photo.jpg")).toBe(before);
    expect((await getMediaAttachment(running.core, id))?.file).toBeNull();
  });

  it("knows which addresses are public", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it("answers browser clients of any origin on its redirects, so images loaded with crossorigin work the first time", async () => {
    const id = await remoteAttachment("/files/photo.jpg");
    const response = await fetch(await proxyUrl(id, "original"), { redirect: "manual", headers: { Origin: "https://phanpy.example" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
