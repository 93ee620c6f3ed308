import { Temporal } from "@js-temporal/polyfill";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptFollowRequest, getFollow, recordIncomingFollow } from "../../server/core/relationships/follows.ts";
import { listFailingPeerHosts } from "../../server/core/peers/peer-hosts.ts";
import { upsertRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { DELIVERY_RETRY, deliveryRetryPolicy } from "../../server/federation/delivery-policy.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** A peer whose inboxes all answer one status code, counting what it was sent. */
async function startPeer(status: number): Promise<{ server: Server; origin: string; host: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      hits.push(request.url ?? "");
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, hits };
}

/** A remote account on `peer` that has asked `instance`'s locked owner to follow it. */
async function pendingFollower(instance: TestInstance, peer: { origin: string; host: string }, username: string) {
  const account = await upsertRemoteAccount(instance.core, {
    uri: `${peer.origin}/users/${username}`,
    username,
    domain: peer.host,
    display_name: username,
    note: "",
    fields_json: "[]",
    is_locked: 0,
    is_bot: 0,
    is_discoverable: 1,
    is_indexable: 1,
    url: null,
    actor_type: "Person",
    inbox_url: `${peer.origin}/users/${username}/inbox`,
    shared_inbox_url: null,
    outbox_url: null,
    followers_url: null,
    following_url: null,
    featured_url: null,
    public_key_id: null,
    avatar_remote_url: null,
    header_remote_url: null,
    moved_to_uri: null,
    also_known_as_json: "[]",
    published_at: null,
  });
  await recordIncomingFollow(instance.core, { followerId: account.id, targetAccountId: instance.owner.id, uri: `${peer.origin}/follows/${username}` });
  return account;
}

describe("the delivery retry policy", () => {
  it("keeps retrying for about two days, then gives up", () => {
    const policy = deliveryRetryPolicy({ jitter: false });
    let waitedMs = 0;
    let attempts = 0;
    for (;;) {
      // Fedify's types name the standard Temporal, which Node 24 does not have yet; the polyfill is the same shape.
      const elapsedTime = Temporal.Duration.from({ milliseconds: waitedMs }) as unknown as Parameters<typeof policy>[0]["elapsedTime"];
      const delay = policy({ attempts, elapsedTime });
      if (delay === null) break;
      waitedMs += delay.total({ unit: "milliseconds" });
      attempts++;
      expect(attempts).toBeLessThanOrEqual(DELIVERY_RETRY.maxAttempts);
    }
    const hours = waitedMs / 3_600_000;
    expect(hours).toBeGreaterThan(40);
    expect(hours).toBeLessThan(60);
  });
});

describe("deliveries to peers that are gone or down", () => {
  let group: InstanceGroup;
  let alice: TestInstance;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", locked: true }]);
    [alice] = group.instances as [TestInstance];
  });
  afterAll(async () => {
    await group.close();
  });

  it("drops a follower whose inbox answers 410 Gone, without retrying", async () => {
    const peer = await startPeer(410);
    try {
      const gone = await pendingFollower(alice, peer, "gone");
      await acceptFollowRequest(alice.core, alice.owner.id, gone.id);
      await waitFor(async () => (await getFollow(alice.core, gone.id, alice.owner.id)) === undefined, {
        what: "the gone follower to be dropped",
      });
      await waitFor(() => alice.isQueueEmpty(), { what: "the queue to settle" });
      // One delivery: Fedify knocks with a draft-cavage signature, then once more with RFC 9421, never again.
      expect(peer.hits.length).toBeLessThanOrEqual(2);
      expect(new Set(peer.hits)).toEqual(new Set(["/users/gone/inbox"]));
    } finally {
      peer.server.close();
    }
  });

  it("marks a host that keeps failing, holds its deliveries, and keeps delivering to the others", async () => {
    const down = await startPeer(503);
    const up = await startPeer(202);
    try {
      for (const name of ["d1", "d2", "d3", "d4", "d5"]) {
        const follower = await pendingFollower(alice, down, name);
        await acceptFollowRequest(alice.core, alice.owner.id, follower.id);
      }
      const failing = await waitFor(async () => (await listFailingPeerHosts(alice.core)).find((row) => row.host === down.host), {
        what: "the down peer to be marked failing",
        timeoutMs: 20_000,
      });
      expect(failing.failing_since).not.toBeNull();

      const hitsWhenOpened = down.hits.length;
      const late = await pendingFollower(alice, down, "late");
      const healthy = await pendingFollower(alice, up, "healthy");
      await acceptFollowRequest(alice.core, alice.owner.id, late.id);
      await acceptFollowRequest(alice.core, alice.owner.id, healthy.id);
      await waitFor(() => up.hits.includes("/users/healthy/inbox"), { what: "the healthy peer to get its Accept" });
      // Queued before the healthy peer's Accept, yet held rather than attempted: the circuit is open.
      expect(down.hits.length).toBe(hitsWhenOpened);
    } finally {
      down.server.close();
      up.server.close();
    }
  });
});
