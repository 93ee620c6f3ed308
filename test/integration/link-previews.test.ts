import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { createCardFetcher } from "../../server/link-previews/card-fetcher.ts";
import { PUBLISHED_SIZE_LIMITS } from "../../server/media/media-types.ts";
import { createMediaStorage } from "../../server/media/storage.ts";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { arrivedOn, follow, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** A page as a news site writes it, its picture at a relative address. */
function articlePage(title: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} | The Garden Post</title>
    <meta property="og:title" content="${title}">
    <meta property="og:description" content="All about ${title.toLowerCase()}, from sowing to supper.">
    <meta property="og:site_name" content="The Garden Post">
    <meta property="og:image" content="/images/${title.toLowerCase()}.jpg">
    <meta property="og:image:alt" content="${title} in a basket">
    <meta name="author" content="Ruth Greenwood">
    <meta property="article:published_time" content="2026-01-12T08:30:00Z">
    </head><body><p>${title}</p></body></html>`;
}

type PreviewCardJson = Record<string, unknown> & { title: string; image: string | null };

const PREVIEW_CARD_FIELDS = [
  "author_name",
  "author_url",
  "authors",
  "blurhash",
  "description",
  "embed_url",
  "height",
  "html",
  "image",
  "image_description",
  "language",
  "provider_name",
  "provider_url",
  "published_at",
  "title",
  "type",
  "url",
  "width",
];

describe("Link previews: a status's first link gets a card, read once from the page and kept", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let aliceApi: ApiUser;
  let site: Server;
  let siteUrl: string;
  const hits = new Map<string, number>();
  const scratch = makeTempDir("link-previews");

  beforeAll(async () => {
    const picture = await twoColours(1200, 630).jpeg().toBuffer();
    const pages: Record<string, string> = {
      "/article": articlePage("Leeks"),
      "/second": articlePage("Garlic"),
      "/third": articlePage("Onions"),
      // Its picture is nowhere to be found.
      "/fennel": articlePage("Fennel").replace("/images/fennel.jpg", "/gone/fennel.jpg"),
    };
    site = createServer((request, response) => {
      const path = request.url ?? "";
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const page = pages[path];
      if (page) {
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        response.end(page);
      } else if (path.startsWith("/images/")) {
        response.writeHead(200, { "Content-Type": "image/jpeg" });
        response.end(picture);
      } else if (path === "/report.pdf") {
        response.writeHead(200, { "Content-Type": "application/pdf" });
        response.end("%PDF-1.7");
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // Remote statuses' links are read at once here, not spread over a minute as on a real server.
    group = await startInstances([{ username: "alice", options: { linkPreviews: { remoteSpreadMs: 0 } } }, { username: "bob" }]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    aliceApi = await apiUser(alice.core, alice.url, alice.owner);
  });
  afterAll(async () => {
    await group?.close();
    await new Promise((resolve) => site?.close(resolve));
    scratch.remove();
  });

  /** The card of a status as Mastodon JSON (masto would turn its keys into camelCase). */
  const cardOf = async (id: string): Promise<PreviewCardJson | null> => {
    const response = await aliceApi.request(`/api/v1/statuses/${id}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { card: PreviewCardJson | null }).card;
  };
  const cardShown = (id: string, what: string) => waitFor(async () => (await cardOf(id)) ?? undefined, { what });

  it("a posted status shows the card of the first page it links to, in the status and at /card", async () => {
    const status = await aliceApi.client.v1.statuses.create({ status: `@bob@${bob.host} #leeks read ${siteUrl}/article then ${siteUrl}/second` });
    const card = await cardShown(status.id, "the card of the article");
    expect(Object.keys(card).sort()).toEqual(PREVIEW_CARD_FIELDS);
    expect(card).toMatchObject({
      url: `${siteUrl}/article`,
      title: "Leeks",
      description: "All about leeks, from sowing to supper.",
      type: "link",
      authors: [{ name: "Ruth Greenwood", url: "", account: null }],
      author_name: "Ruth Greenwood",
      provider_name: "The Garden Post",
      html: "",
      embed_url: "",
      image_description: "Leeks in a basket",
      language: "en",
      published_at: "2026-01-12T08:30:00.000Z",
      // The picture as kept here: scaled into the preview box.
      width: 640,
      height: 336,
    });
    expect(card.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/);
    // Readers' apps load the picture from this server, not from the linked site.
    expect(card.image).toMatch(new RegExp(`^${alice.url}/media/cards/\\d{4}-\\d{2}/[0-9a-f]{16}\\.jpg$`));
    const picture = await fetch(card.image!);
    expect(picture.headers.get("content-type")).toBe("image/jpeg");
    expect(await sharp(Buffer.from(await picture.arrayBuffer())).metadata()).toMatchObject({ width: 640, height: 336 });

    const single = await aliceApi.request(`/api/v1/statuses/${status.id}/card`);
    expect(single.status).toBe(200);
    expect(await single.json()).toEqual(card);
    expect(hits.get("/article")).toBe(1);
    expect(hits.get("/images/leeks.jpg")).toBe(1);
    expect(hits.get("/second")).toBeUndefined();
  });

  it("a second status linking the same page gets the same card without the page being read again", async () => {
    const first = await aliceApi.client.v1.statuses.create({ status: `Leeks again: ${siteUrl}/article` });
    const card = await cardShown(first.id, "the card of the second status");
    expect(card.title).toBe("Leeks");
    expect(hits.get("/article")).toBe(1);
    expect(hits.get("/images/leeks.jpg")).toBe(1);
  });

  it("a page whose picture cannot be had still gets its card, without a picture", async () => {
    const status = await aliceApi.client.v1.statuses.create({ status: `${siteUrl}/fennel` });
    const card = await cardShown(status.id, "the card of the page without its picture");
    expect(card).toMatchObject({ title: "Fennel", image: null, blurhash: null, width: 0, height: 0 });
    expect(hits.get("/gone/fennel.jpg")).toBe(1);
  });

  it("editing the link changes the card, and editing it away removes it", async () => {
    const status = await aliceApi.client.v1.statuses.create({ status: `Soon: ${siteUrl}/article` });
    expect((await cardShown(status.id, "the first card")).title).toBe("Leeks");
    await aliceApi.client.v1.statuses.$select(status.id).update({ status: `Rather: ${siteUrl}/second` });
    await waitFor(async () => (await cardOf(status.id))?.title === "Garlic", { what: "the card of the edited link" });
    await aliceApi.client.v1.statuses.$select(status.id).update({ status: "No links after all" });
    await waitFor(async () => (await cardOf(status.id)) === null, { what: "the card to go" });
    expect(await (await aliceApi.request(`/api/v1/statuses/${status.id}/card`)).json()).toEqual({});
  });

  it("a status arriving from another server gets its card too, read from its HTML", async () => {
    await follow(alice, bob);
    const posted = await postStatus(bob.core, { accountId: bob.owner.id, text: `@alice@${alice.host} the onions are in: ${siteUrl}/third` }, { origin: bob.url });
    const arrived = await arrivedOn(alice, statusUri(bob, posted), "bob's post");
    const card = await cardShown(arrived.id, "the card of bob's post on alice's server");
    expect(card).toMatchObject({ url: `${siteUrl}/third`, title: "Onions", type: "link" });
    expect(card.image).toMatch(new RegExp(`^${alice.url}/media/cards/`));
  });

  it("a link that gives no card is not read again for a while, and private addresses not at all unless allowed", async () => {
    const storage = createMediaStorage(scratch.path);
    const stopping = new AbortController();
    const fetcher = (allowPrivateNetwork: boolean) =>
      createCardFetcher({ core: alice.core, storage, allowPrivateNetwork, userAgent: () => "Hearth/test Bot", matrixLimit: PUBLISHED_SIZE_LIMITS.imageMatrixLimit, signal: stopping.signal });

    const allowed = fetcher(true);
    expect(await allowed.cardFor(`${siteUrl}/report.pdf`)).toBeUndefined();
    expect(await allowed.cardFor(`${siteUrl}/report.pdf`)).toBeUndefined();
    expect(hits.get("/report.pdf")).toBe(1);
    expect(await allowed.cardFor(`${siteUrl}/missing`)).toBeUndefined();

    // Without --allow-private-network, a page on this machine is never asked for.
    const guarded = fetcher(false);
    expect(await guarded.cardFor(`${siteUrl}/fourth`)).toBeUndefined();
    expect(await guarded.cardFor(`http://localhost:${new URL(siteUrl).port}/fourth`)).toBeUndefined();
    expect(hits.get("/fourth")).toBeUndefined();
  });
});
