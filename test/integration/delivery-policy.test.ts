import { Temporal } from "@js-temporal/polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptFollowRequest, getFollow, recordIncomingFollow } from "../../server/core/relationships/follows.ts";
import { listFailingPeerHosts } from "../../server/core/peers/peer-hosts.ts";
import { DELIVERY_RETRY, deliveryRetryPolicy } from "../../server/federation/delivery-policy.ts";
import { startInboxPeer } from "../helpers/inbox-peer.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** A remote account on `peer` that has asked `instance`'s locked owner to follow it. */
async function pendingFollower(instance: TestInstance, peer: { origin: string; host: string }, username: string) {
  const account = await storePeerAccount(instance.core, peer, username);
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
    const peer = await startInboxPeer(410);
    try {
      const gone = await pendingFollower(alice, peer, "gone");
      await acceptFollowRequest(alice.core, alice.owner.id, gone.id);
      await waitFor(async () => (await getFollow(alice.core, gone.id, alice.owner.id)) === undefined, {
        what: "the gone follower to be dropped",
      });
      await waitFor(() => alice.isQueueEmpty(), { what: "the queue to settle" });
      // One delivery: Fedify knocks with a draft-cavage signature, then once more with RFC 9421, never again.
      expect(peer.hits.length).toBeLessThanOrEqual(2);
      expect(new Set(peer.hits.map((hit) => hit.path))).toEqual(new Set(["/users/gone/inbox"]));
    } finally {
      await peer.close();
    }
  });

  it("marks a host that keeps failing, holds its deliveries, and keeps delivering to the others", async () => {
    const down = await startInboxPeer(503);
    const up = await startInboxPeer(202);
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
      await waitFor(() => up.took("/users/healthy/inbox"), { what: "the healthy peer to get its Accept" });
      // Queued before the healthy peer's Accept, yet held rather than attempted: the circuit is open.
      expect(down.hits.length).toBe(hitsWhenOpened);
    } finally {
      await down.close();
      await up.close();
    }
  });
});

describe("a host that comes back", () => {
  let group: InstanceGroup | undefined;
  let alice: TestInstance;

  beforeAll(async () => {
    // Seconds where the published policy waits minutes, so the circuit's whole life fits in a test.
    const deliveryTiming = { hostRecoveryDelay: { seconds: 1 }, retry: { initialDelay: { seconds: 1 }, maxDelay: { seconds: 2 }, maxAttempts: 30 } };
    group = await startInstances([{ username: "alice", locked: true, options: { deliveryTiming } }]);
    [alice] = group.instances as [TestInstance];
  });
  afterAll(() => group?.close());

  it("closes its circuit on the first delivery that succeeds, and everything held for it arrives", async () => {
    const peer = await startInboxPeer(503);
    try {
      const names = ["b1", "b2", "b3", "b4", "b5", "b6"];
      for (const name of names) {
        const follower = await pendingFollower(alice, peer, name);
        await acceptFollowRequest(alice.core, alice.owner.id, follower.id);
      }
      await waitFor(async () => (await listFailingPeerHosts(alice.core)).some((row) => row.host === peer.host), {
        what: "the peer to be marked failing",
        timeoutMs: 20_000,
      });

      peer.answer(202);
      await waitFor(async () => !(await listFailingPeerHosts(alice.core)).some((row) => row.host === peer.host), {
        what: "the peer's circuit to close",
        timeoutMs: 20_000,
      });
      const late = await pendingFollower(alice, peer, "late");
      await acceptFollowRequest(alice.core, alice.owner.id, late.id);
      for (const name of [...names, "late"]) {
        await waitFor(() => peer.took(`/users/${name}/inbox`), { what: `the Accept for ${name} to arrive`, timeoutMs: 20_000 });
      }
    } finally {
      await peer.close();
    }
  });
});

describe("deliveries a peer refuses", () => {
  let group: InstanceGroup | undefined;
  let alice: TestInstance;

  beforeAll(async () => {
    // Retries a second apart, so a delivery that is retried shows it within the test.
    const deliveryTiming = { hostRecoveryDelay: { seconds: 1 }, retry: { initialDelay: { seconds: 1 }, maxDelay: { seconds: 1 }, maxAttempts: 3 } };
    group = await startInstances([{ username: "alice", locked: true, options: { deliveryTiming } }]);
    [alice] = group.instances as [TestInstance];
  });
  afterAll(() => group?.close());

  it("gives up at once on a 4xx other than 401, 408 and 429, as Mastodon does: one attempt, then nothing", async () => {
    const refusals = [400, 403, 404, 422, 501];
    const peers = await Promise.all(refusals.map((status) => startInboxPeer(status)));
    try {
      for (const [index, peer] of peers.entries()) {
        const follower = await pendingFollower(alice, peer, `refused${index}`);
        await acceptFollowRequest(alice.core, alice.owner.id, follower.id);
      }
      for (const [index, peer] of peers.entries()) {
        await waitFor(() => peer.attemptsOn(`/users/refused${index}/inbox`) > 0, { what: `a delivery to the peer answering ${refusals[index]}` });
      }
      // A delivery to be retried is queued again before the attempt's own message leaves the queue.
      await waitFor(() => alice.isQueueEmpty(), { what: "the queue to settle", timeoutMs: 30_000 });
      const attempts = peers.map((peer, index) => [refusals[index], peer.attemptsOn(`/users/refused${index}/inbox`)]);
      expect(attempts).toEqual(refusals.map((status) => [status, 1]));
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  });

  it("retries 5xx, 401, 408 and 429 until the peer takes the delivery", async () => {
    const passing = [500, 503, 401, 408, 429];
    // Each peer refuses one whole attempt (its draft-cavage knock and the RFC 9421 one), then takes everything.
    const peers = await Promise.all(passing.map((status) => startInboxPeer(({ earlier }) => (earlier.length < 2 ? status : 202))));
    try {
      for (const [index, peer] of peers.entries()) {
        const follower = await pendingFollower(alice, peer, `retried${index}`);
        await acceptFollowRequest(alice.core, alice.owner.id, follower.id);
      }
      for (const [index, peer] of peers.entries()) {
        const inbox = `/users/retried${index}/inbox`;
        await waitFor(() => peer.took(inbox), { what: `the peer answering ${passing[index]} to take the delivery`, timeoutMs: 20_000 });
        expect(peer.attemptsOn(inbox)).toBe(2);
      }
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  });
});
