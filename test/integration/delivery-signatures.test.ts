import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptFollowRequest, recordIncomingFollow } from "../../server/core/relationships/follows.ts";
import { startInboxPeer, type InboxAnswer, type InboxPeer } from "../helpers/inbox-peer.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * snac2 and GoToSocial answer 202 to an RFC 9421 signature they cannot verify and drop the activity later, so
 * whatever a peer answered once, deliveries to it must stay signed the way every peer verifies: draft-cavage.
 */
describe("the signature format of deliveries", () => {
  let group: InstanceGroup | undefined;
  let alice: TestInstance;
  const peers: InboxPeer[] = [];

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", locked: true }]);
    [alice] = group.instances as [TestInstance];
  });
  afterAll(async () => {
    await Promise.all(peers.map((peer) => peer.close()));
    await group?.close();
  });

  async function peerAnswering(answer: InboxAnswer): Promise<InboxPeer> {
    const peer = await startInboxPeer(answer);
    peers.push(peer);
    return peer;
  }

  /**
   * Alice accepts the follow request of `username` on `peer`: one Accept delivered to its inbox. Returns once the
   * delivery is over (the queue empty), so whatever Fedify remembers of it is written before the next one.
   */
  async function deliverAcceptTo(peer: InboxPeer, username: string): Promise<string> {
    const account = await storePeerAccount(alice.core, peer, username);
    await recordIncomingFollow(alice.core, { followerId: account.id, targetAccountId: alice.owner.id, uri: `${peer.origin}/follows/${username}` });
    await acceptFollowRequest(alice.core, alice.owner.id, account.id);
    const inbox = `/users/${username}/inbox`;
    await waitFor(() => peer.took(inbox), { what: `the Accept to reach ${username}` });
    await waitFor(() => alice.isQueueEmpty(), { what: "the queue to settle" });
    return inbox;
  }

  /** Refuses the first draft-cavage request with `status` (to `path` only, if given); takes everything else. */
  const refusingFirstCavage =
    (status: number, path?: string): InboxAnswer =>
    ({ path: requested, format, earlier }) => {
      const refusedBefore = earlier.some((hit) => hit.status === status);
      return format === "draft-cavage" && !refusedBefore && (path === undefined || requested === path) ? status : 202;
    };

  it.each([403, 404, 422, 500])("keeps signing draft-cavage for a host that once answered it %i", async (status) => {
    // 403: a user there blocked ours; 404: an account gone during catch-up; 500: a passing fault.
    const peer = await peerAnswering(refusingFirstCavage(status));
    const first = await deliverAcceptTo(peer, "first");
    expect(peer.hitsOn(first).map((hit) => [hit.format, hit.status])).toEqual([
      ["draft-cavage", status],
      ["rfc9421", 202],
    ]);

    const later = await deliverAcceptTo(peer, "later");
    expect(peer.hitsOn(later).map((hit) => hit.format)).toEqual(["draft-cavage"]);
  });

  it("keeps signing draft-cavage for a host that verified it, after one refusal", async () => {
    const peer = await peerAnswering(refusingFirstCavage(403, "/users/blocker/inbox"));
    const early = await deliverAcceptTo(peer, "early");
    expect(peer.hitsOn(early).map((hit) => [hit.format, hit.status])).toEqual([["draft-cavage", 202]]);
    const blocker = await deliverAcceptTo(peer, "blocker");
    expect(peer.hitsOn(blocker).map((hit) => hit.status)).toEqual([403, 202]);

    for (const name of ["late1", "late2"]) {
      const late = await deliverAcceptTo(peer, name);
      expect(peer.hitsOn(late).map((hit) => hit.format)).toEqual(["draft-cavage"]);
    }
  });

  it("signs draft-cavage again for a host an earlier Hearth remembered as RFC 9421", async () => {
    const peer = await peerAnswering(() => 202);
    // What Fedify's double knock wrote after a refusal, in a database that ran an earlier Hearth.
    const key = JSON.stringify(["_fedify", "httpMessageSignaturesSpec", peer.origin]);
    await sql`INSERT INTO fedify_kv (key, value, expires_at, written_at) VALUES (${key}, ${JSON.stringify("rfc9421")}, NULL, ${Date.now()})`.execute(
      alice.core.db,
    );
    const inbox = await deliverAcceptTo(peer, "flipped");
    expect(peer.hitsOn(inbox).map((hit) => hit.format)).toEqual(["draft-cavage"]);
  });

  it("still delivers to a host that takes only RFC 9421 (401 to draft-cavage)", async () => {
    const peer = await peerAnswering(({ format }) => (format === "rfc9421" ? 202 : 401));
    for (const name of ["modern1", "modern2", "modern3"]) {
      const inbox = await deliverAcceptTo(peer, name);
      expect(peer.took(inbox)).toBe(true);
      expect(peer.hitsOn(inbox).filter((hit) => hit.format === "rfc9421").map((hit) => hit.status)).toEqual([202]);
    }
  });
});
