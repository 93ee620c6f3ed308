import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { bookmarkStatus } from "../../server/core/interactions/interactions.ts";
import { getMediaAttachment, remoteMediaKey } from "../../server/core/media/media.ts";
import { REMOTE_MEDIA_RETENTION_MS } from "../../server/core/media/remote-media-retention.ts";
import { cleanUpUnattachedMedia } from "../../server/media/cleanup.ts";
import { PublicFetchError } from "../../server/net/outgoing-policy.ts";
import { createRemoteAccountImageCache } from "../../server/media/remote-account-images.ts";
import { pruneRemoteMediaCache } from "../../server/media/remote-cache-pruning.ts";
import { createRemoteMediaCache } from "../../server/media/remote-cache.ts";
import { startRemoteMediaPrefetch } from "../../server/media/remote-prefetch.ts";
import { createMediaStorage, mediaRootOf } from "../../server/media/storage.ts";
import { insertTestAccount } from "../helpers/core-database.ts";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { accountOn, arrivedOn, follow, homeFeed } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { StatusRow } from "../../server/core/rows.ts";

interface MediaJson {
  id: string;
  url: string;
  preview_url: string;
  remote_url: string;
}
interface StatusJson {
  id: string;
  media_attachments: MediaJson[];
  account: { avatar: string; header: string };
}

describe("Remote media kept in the archive: fetched ahead, served offline, pruned when nobody cared", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let aliceApi: ApiUser;
  let bobApi: ApiUser;
  /** Bob's two photo posts as alice stored them. */
  let garden: StatusRow;
  let kitchen: StatusRow;

  async function postPhoto(text: string, width: number): Promise<StatusRow> {
    const png = await twoColours(width, 300).png().toBuffer();
    const media = await bobApi.client.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }), description: text });
    const status = await bobApi.client.v1.statuses.create({ status: text, mediaIds: [media.id], visibility: "public" });
    return arrivedOn(alice, `${bob.actorUri}/statuses/${status.id}`, text);
  }

  function remoteMediaOf(status: StatusRow) {
    return alice.core.db.selectFrom("media_attachments").selectAll().where("status_id", "=", status.id).executeTakeFirstOrThrow();
  }

  async function statusOnAlice(status: StatusRow): Promise<StatusJson> {
    const response = await aliceApi.request(`/api/v1/statuses/${status.id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as StatusJson;
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    aliceApi = await apiUser(alice.core, alice.url, alice.owner);
    bobApi = await apiUser(bob.core, bob.url, bob.owner);
    // Bob has a face before alice first hears of him, so his actor arrives with it.
    const form = new FormData();
    form.set("avatar", new Blob([new Uint8Array(await twoColours(500, 500).png().toBuffer())], { type: "image/png" }));
    form.set("header", new Blob([new Uint8Array(await twoColours(1500, 500).png().toBuffer())], { type: "image/png" }));
    expect((await bobApi.request("/api/v1/accounts/update_credentials", { method: "PATCH", body: form })).status).toBe(200);
    await follow(alice, bob);
    garden = await postPhoto("The garden in May", 400);
    kitchen = await postPhoto("The kitchen window", 600);
  });
  afterAll(() => group?.close());

  it("fetches the photos of bob's posts in alice's home, and bob's avatar and header, in the background", async () => {
    const feed = await waitFor(async () => {
      const ids = (await homeFeed(alice)).map((row) => row.id);
      return ids.includes(garden.id) && ids.includes(kitchen.id) && ids;
    }, { what: "both posts in alice's home" });
    expect(feed).toContain(garden.id);
    for (const status of [garden, kitchen]) {
      const row = await waitFor(async () => {
        const media = await remoteMediaOf(status);
        return media.file !== null && media;
      }, { what: `the photo of ${status.id} cached on alice` });
      expect(row.remote_url?.startsWith(`${bob.url}/media/`)).toBe(true);
      expect(row.file).toMatch(/^cache\//);
      expect(row.thumbnail_file).toMatch(/^cache\/.*-small\./);
    }
    const bobOnAlice = await waitFor(async () => {
      const account = await accountOn(alice, bob);
      return account.avatar_file !== null && account.header_file !== null && account;
    }, { what: "bob's avatar and header cached on alice" });
    expect(bobOnAlice.avatar_file).toMatch(new RegExp(`^cache/avatars/${bobOnAlice.id}-[0-9a-f]{16}\\.png$`));
    expect(bobOnAlice.header_file).toMatch(new RegExp(`^cache/headers/${bobOnAlice.id}-[0-9a-f]{16}\\.png$`));
  });

  it("gives clients alice's own addresses for bob's media, with bob's as remote_url", async () => {
    const entity = await statusOnAlice(garden);
    const [media] = entity.media_attachments;
    expect(media).toBeDefined();
    const key = remoteMediaKey(media!.remote_url);
    expect(key).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(media?.url).toBe(`${alice.url}/media_proxy/${media?.id}/original?k=${key}`);
    expect(media?.preview_url).toBe(`${alice.url}/media_proxy/${media?.id}/small?k=${key}`);
    expect(media?.remote_url).toMatch(new RegExp(`^${bob.url}/media/attachments/`));
    expect(entity.account.avatar).toMatch(new RegExp(`^${alice.url}/media/cache/avatars/`));
    expect(entity.account.header).toMatch(new RegExp(`^${alice.url}/media/cache/headers/`));
  });

  it("still shows bob's photo, preview and avatar when bob's server is gone", async () => {
    const entity = await statusOnAlice(garden);
    await group.stop(bob);
    const [media] = entity.media_attachments;
    const original = await fetch(media!.url);
    expect(original.status).toBe(200);
    expect(original.url.startsWith(`${alice.url}/media/cache/`)).toBe(true);
    expect(await sharp(Buffer.from(await original.arrayBuffer())).metadata()).toMatchObject({ width: 400, height: 300 });
    const preview = await fetch(media!.preview_url);
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toMatch(/^image\//);
    const avatar = await fetch(entity.account.avatar);
    expect(avatar.status).toBe(200);
    expect(await sharp(Buffer.from(await avatar.arrayBuffer())).metadata()).toMatchObject({ width: 400, height: 400 });
  });

  it("prunes the old copy of a photo nobody touched, and keeps the one alice bookmarked", async () => {
    await bookmarkStatus(alice.core, alice.owner.id, kitchen.id);
    const longAgo = new Date(Date.now() - REMOTE_MEDIA_RETENTION_MS - 60_000).toISOString();
    await alice.core.db.updateTable("media_attachments").set({ created_at: longAgo }).where("status_id", "in", [garden.id, kitchen.id]).execute();
    const gardenBefore = await remoteMediaOf(garden);
    const kitchenBefore = await remoteMediaOf(kitchen);

    // A second pass finds nothing more: the bookmarked copy is alice's for good.
    const storage = createMediaStorage(mediaRootOf(alice.dataDir));
    expect(await pruneRemoteMediaCache(alice.core, storage)).toBe(1);
    expect(await pruneRemoteMediaCache(alice.core, storage)).toBe(0);

    const gardenAfter = await remoteMediaOf(garden);
    expect(gardenAfter).toMatchObject({ file: null, thumbnail_file: null, remote_url: gardenBefore.remote_url });
    expect((await fetch(`${alice.url}/media/${gardenBefore.file}`)).status).toBe(404);
    expect((await fetch(`${alice.url}/media/${gardenBefore.thumbnail_file}`)).status).toBe(404);
    // Bob is offline, so the proxy can only send the client to bob's own address, as without a cache.
    const proxied = await fetch(`${alice.url}/media_proxy/${gardenBefore.id}/original?k=${remoteMediaKey(gardenBefore.remote_url!)}`, { redirect: "manual" });
    expect(proxied.headers.get("location")).toBe(gardenBefore.remote_url);

    expect(await remoteMediaOf(kitchen)).toMatchObject({ file: kitchenBefore.file, thumbnail_file: kitchenBefore.thumbnail_file });
    expect((await fetch(`${alice.url}/media/${kitchenBefore.file}`)).status).toBe(200);
  });

  it("fetches the pruned photo again on demand once bob is back", async () => {
    await group.start(bob);
    const { id } = await remoteMediaOf(garden);
    const [media] = (await statusOnAlice(garden)).media_attachments;
    const proxied = await fetch(media!.url, { redirect: "manual" });
    expect(proxied.headers.get("location")).toMatch(new RegExp(`^${alice.url}/media/cache/`));
    expect((await getMediaAttachment(alice.core, id))?.file).toMatch(/^cache\//);
  });

  it("removes the cached copy when bob deletes his post, bookmarked or not", async () => {
    const cached = await remoteMediaOf(kitchen);
    await bobApi.client.v1.statuses.$select(kitchen.uri!.split("/").at(-1)!).remove();
    await waitFor(async () => (await getMediaAttachment(alice.core, cached.id))?.status_id === null, { what: "the deleted post's media let go on alice" });
    expect((await fetch(`${alice.url}/media_proxy/${cached.id}/original?k=${remoteMediaKey(cached.remote_url!)}`, { redirect: "manual" })).status).toBe(404);
    expect(await cleanUpUnattachedMedia(alice.core, createMediaStorage(mediaRootOf(alice.dataDir)), 0)).toBeGreaterThanOrEqual(1);
    expect(await getMediaAttachment(alice.core, cached.id)).toBeUndefined();
    expect((await fetch(`${alice.url}/media/${cached.file}`)).status).toBe(404);
  });
});

describe("Fetching ahead never reaches this machine or the LAN unless private networks are allowed", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let peer: Server;
  let peerUrl: string;
  let hits = 0;

  beforeAll(async () => {
    const photo = await twoColours(80, 60).png().toBuffer();
    peer = createServer((_request, response) => {
      hits += 1;
      response.writeHead(200, { "Content-Type": "image/png" });
      response.end(photo);
    });
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    // Published at a public address (a tunnel that is down here), read on loopback as the desktop app does.
    group = await startInstances([{ username: "alice", options: { publicUrl: "https://hearth.example" } }]);
    [alice] = group.instances as [TestInstance];
  });
  afterAll(async () => {
    await group?.close();
    await new Promise((resolve) => peer?.close(resolve));
  });

  it("leaves a private peer's photo, avatar and header alone, and fetches them where allowed", async () => {
    const now = new Date().toISOString();
    const core = alice.core;
    const { id: accountId } = await insertTestAccount(core, "dave", new URL(peerUrl).host, {
      avatar_remote_url: `${peerUrl}/avatar.png`,
      header_remote_url: `${peerUrl}/header.png`,
      uri: `${peerUrl}/users/dave`,
    });
    const statusId = core.ids.next();
    await core.db.insertInto("statuses").values({ id: statusId, account_id: accountId, uri: `${peerUrl}/statuses/1`, local: 0, visibility: "public", created_at: now, updated_at: now }).execute();
    const mediaId = core.ids.next();
    await core.db.insertInto("media_attachments").values({ id: mediaId, account_id: accountId, status_id: statusId, type: "image", remote_url: `${peerUrl}/photo.png`, created_at: now, updated_at: now }).execute();

    // Its own events, so that only the prefetcher under test hears the status arrive.
    const storage = createMediaStorage(mediaRootOf(alice.dataDir));
    const prefetchWith = (allowPrivateNetwork: boolean) => {
      const ctx = { ...createCoreContext(core.db, systemClock) };
      const prefetch = startRemoteMediaPrefetch({
        core: ctx,
        media: createRemoteMediaCache({ core: ctx, storage, allowPrivateNetwork }),
        accountImages: createRemoteAccountImageCache({ core: ctx, storage, allowPrivateNetwork }),
      });
      ctx.events.emit({ type: "status.created", statusId, homeAccountIds: [alice.owner.id], listIds: [], public: true, local: false, tags: [], directAccountIds: [] });
      return prefetch;
    };

    const guarded = prefetchWith(false);
    await guarded.idle();
    await guarded.stop();
    expect(hits).toBe(0);
    expect((await getMediaAttachment(core, mediaId))?.file).toBeNull();
    const dave = await core.db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirstOrThrow();
    expect(dave).toMatchObject({ avatar_file: null, header_file: null });
    await expect(createRemoteAccountImageCache({ core, storage, allowPrivateNetwork: false }).ensureCached(accountId, "avatar")).rejects.toBeInstanceOf(PublicFetchError);

    const allowed = prefetchWith(true);
    await allowed.idle();
    await allowed.stop();
    expect(hits).toBe(3);
    expect((await getMediaAttachment(core, mediaId))?.file).toMatch(/^cache\//);
    const daveNow = await core.db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirstOrThrow();
    expect(daveNow.avatar_file).toMatch(/^cache\/avatars\//);
    expect(daveNow.header_file).toMatch(/^cache\/headers\//);

    // The copies are served on the address the client asked (loopback), not the public one that is down.
    const photo = await fetch(`${alice.url}/media_proxy/${mediaId}/original?k=${remoteMediaKey(`${peerUrl}/photo.png`)}`, { redirect: "manual" });
    expect(photo.headers.get("location")).toBe(`${alice.url}/media/${(await getMediaAttachment(core, mediaId))?.file}`);
    const avatar = await fetch(`${alice.url}/media_proxy/accounts/${accountId}/avatar`, { redirect: "manual" });
    expect(avatar.headers.get("location")).toBe(`${alice.url}/media/${daveNow.avatar_file}`);
    expect(hits).toBe(3);
  });
});
