import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordReachableAt } from "../../server/core/peers/catch-up-state.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { followAccount, recordFollowAccepted } from "../../server/core/relationships/follows.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { apiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** A post on the peer: its Note's id, and when it was published. */
interface PeerPost {
  id: string;
  published: Date;
  tag?: unknown[];
}

/**
 * A peer like snac2, which drops a delivery whose connection is refused instead of retrying it: what it
 * published while Hearth was down is only in sam's outbox. The outbox is paged (newest first) and written
 * with the ActivityStreams context alone, as snac2 writes it. Every path it is asked for is kept.
 */
interface OutboxPeer {
  server: Server;
  origin: string;
  host: string;
  requests: string[];
  pages: PeerPost[][];
}

async function startOutboxPeer(): Promise<OutboxPeer> {
  const peer: OutboxPeer = { server: createServer(), origin: "", host: "", requests: [], pages: [] };
  const json = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { "Content-Type": "application/activity+json" });
    response.end(JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", ...(body as object) }));
  };
  peer.server.on("request", (request, response) => {
    const url = new URL(request.url ?? "/", peer.origin);
    peer.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const sam = `${peer.origin}/users/sam`;
    const outbox = `${sam}/outbox`;
    if (request.method === "POST") return response.writeHead(202).end();
    if (url.pathname !== "/users/sam/outbox") return response.writeHead(404).end();
    const pageNumber = Number(url.searchParams.get("page") ?? "0");
    if (pageNumber === 0) return json(response, { id: outbox, type: "OrderedCollection", first: `${outbox}?page=1` });
    const posts = peer.pages[pageNumber - 1];
    if (!posts) return response.writeHead(404).end();
    json(response, {
      id: `${outbox}?page=${pageNumber}`,
      type: "OrderedCollectionPage",
      partOf: outbox,
      ...(pageNumber < peer.pages.length ? { next: `${outbox}?page=${pageNumber + 1}` } : {}),
      orderedItems: posts.map((post) => ({
        id: `${post.id}/create`,
        type: "Create",
        actor: sam,
        published: post.published.toISOString(),
        to: [PUBLIC],
        cc: [`${sam}/followers`],
        object: {
          id: post.id,
          type: "Note",
          attributedTo: sam,
          content: `<p>${post.id}</p>`,
          published: post.published.toISOString(),
          to: [PUBLIC],
          cc: [`${sam}/followers`],
          ...(post.tag ? { tag: post.tag } : {}),
        },
      })),
    });
  });
  await new Promise<void>((resolve) => peer.server.listen(0, "127.0.0.1", resolve));
  const { port } = peer.server.address() as AddressInfo;
  peer.host = `127.0.0.1:${port}`;
  peer.origin = `http://${peer.host}`;
  return peer;
}

describe("catching up after a short outage, from a peer that does not retry", () => {
  let group: InstanceGroup;
  let bob: TestInstance;
  let peer: OutboxPeer;

  beforeAll(async () => {
    // Only the waits that spare real peers are shortened; how long an absence must be is Hearth's own.
    group = await startInstances([{ username: "bob", options: { catchUp: { startDelayMs: 0, perHostIntervalMs: 0 } } }]);
    [bob] = group.instances as [TestInstance];
    peer = await startOutboxPeer();
    const sam = await storePeerAccount(bob.core, peer, "sam", { outbox_url: `${peer.origin}/users/sam/outbox`, followers_url: `${peer.origin}/users/sam/followers` });
    await followAccount(bob.core, bob.owner.id, sam.id, { origin: bob.url });
    await recordFollowAccepted(bob.core, { targetAccountId: sam.id, accountId: bob.owner.id });
  });
  afterAll(async () => {
    peer?.server.close();
    await group?.close();
  });

  it("reads the first outbox page at the next start after 15 s away, and no further page", async () => {
    await group.stop(bob);
    // Bob was stopped 15 s ago: recorded as the catch-up state says, rather than waited for.
    const stoppedAt = new Date(Date.now() - 15_000);
    const database = await openDataDirectoryDatabase(bob.dataDir);
    try {
      await recordReachableAt(createCoreContext(database.db, systemClock), stoppedAt);
    } finally {
      await database.close();
    }
    const at = (seconds: number) => new Date(stoppedAt.getTime() + seconds * 1_000);
    const post = (n: number, seconds: number, tag?: unknown[]): PeerPost => ({ id: `${peer.origin}/users/sam/p/${n}`, published: at(seconds), ...(tag ? { tag } : {}) });
    const tea = [{ type: "Hashtag", name: "#Tea", href: `${peer.origin}/?t=tea` }];
    // All five were published while bob was away; the second page is past the bound, not past the time.
    peer.pages = [
      [post(5, 12), post(4, 9, tea), post(3, 6)],
      [post(2, 4), post(1, 2)],
    ];
    peer.requests.length = 0;

    await group.start(bob);
    await bob.running.catchUp.whenIdle();

    const stored = await Promise.all([1, 2, 3, 4, 5].map((n) => findStatusByUri(bob.core, `${peer.origin}/users/sam/p/${n}`)));
    expect(stored.map((row) => row !== undefined)).toEqual([false, false, true, true, true]);
    expect(bob.running.catchUp.lastSummary()).toMatchObject({ reason: "start", since: stoppedAt.toISOString(), pagesPerAccount: 1, postsStored: 3 });
    const outboxRequests = peer.requests.filter((line) => line.startsWith("GET /users/sam/outbox"));
    expect(outboxRequests).toEqual(["GET /users/sam/outbox", "GET /users/sam/outbox?page=1"]);

    // The page is in snac2's dialect: its Hashtag came through too.
    const bobUser = await apiUser(bob.core, bob.url, bob.owner);
    const tagged = await bobUser.client.v1.statuses.$select(stored[3]?.id ?? "").fetch();
    expect(tagged.tags.map((tag) => tag.name.toLowerCase())).toEqual(["tea"]);
  });
});
