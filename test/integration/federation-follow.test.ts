import { signRequest, importJwk } from "@fedify/fedify";
import { sql } from "kysely";
import type { webcrypto } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLocalUser } from "../../server/core/accounts/accounts.ts";
import { getAccountStats } from "../../server/core/accounts/account-stats.ts";
import {
  acceptFollowRequest,
  followAccount,
  getFollow,
  rejectFollowRequest,
  removeFollower,
  unfollowAccount,
} from "../../server/core/relationships/follows.ts";
import { findAccountByUri, resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

const AP = { Accept: "application/activity+json" };

async function getJson(url: string, headers: Record<string, string> = AP): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers });
  expect(response.status, `GET ${url}`).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** `who` as an account row on `where`'s side, looked up by handle the way a user would. */
async function remoteAccount(where: TestInstance, who: TestInstance) {
  const account = await resolveRemoteAccount(where.core, who.handle);
  if (!account) throw new Error(`${where.handle} could not resolve ${who.handle}`);
  return account;
}

/** The account row `where` keeps for `who`, once `who` has been in touch. */
async function knownAccount(where: TestInstance, who: TestInstance) {
  return waitFor(() => findAccountByUri(where.core, who.actorUri), { what: `${where.handle} to know ${who.handle}` });
}

async function followState(where: TestInstance, followerId: string, targetId: string) {
  return (await getFollow(where.core, followerId, targetId))?.state ?? "none";
}

async function followersTotal(instance: TestInstance): Promise<number> {
  const collection = await getJson(`${instance.actorUri}/followers`);
  return collection.totalItems as number;
}

describe("federation on loopback: identity, follows and follow requests", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let carol: TestInstance;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }, { username: "carol", locked: true }]);
    [alice, bob, carol] = group.instances as [TestInstance, TestInstance, TestInstance];
  });
  afterAll(() => group?.close());

  it("serves WebFinger, the actor, collections, NodeInfo and host-meta under the instance's own origin", async () => {
    const finger = await getJson(`${bob.url}/.well-known/webfinger?resource=acct:${bob.handle}`, {});
    expect(finger.subject).toBe(`acct:${bob.handle}`);
    const links = finger.links as Array<{ rel: string; href: string; type?: string }>;
    expect(links.find((link) => link.rel === "self")).toEqual({ rel: "self", href: bob.actorUri, type: "application/activity+json" });

    // The profile URL names the same actor, as on Mastodon.
    const byProfile = await getJson(`${bob.url}/.well-known/webfinger?resource=${encodeURIComponent(`${bob.url}/@bob`)}`, {});
    expect((byProfile.links as Array<{ rel: string; href: string }>).find((link) => link.rel === "self")?.href).toBe(bob.actorUri);
    const nobody = await fetch(`${bob.url}/.well-known/webfinger?resource=acct:nobody@${bob.host}`);
    expect(nobody.status).toBe(404);

    const actor = await getJson(bob.actorUri);
    expect(actor).toMatchObject({
      id: bob.actorUri,
      type: "Person",
      preferredUsername: "bob",
      url: `${bob.url}/@bob`,
      inbox: `${bob.actorUri}/inbox`,
      outbox: `${bob.actorUri}/outbox`,
      followers: `${bob.actorUri}/followers`,
      following: `${bob.actorUri}/following`,
      liked: `${bob.actorUri}/liked`,
      endpoints: { sharedInbox: `${bob.url}/inbox` },
      manuallyApprovesFollowers: false,
      discoverable: true,
      icon: { type: "Image", url: `${bob.url}/avatars/original/missing.png` },
    });
    expect((actor.publicKey as { id: string; owner: string }).owner).toBe(bob.actorUri);
    expect((actor.publicKey as { publicKeyPem: string }).publicKeyPem).toContain("BEGIN PUBLIC KEY");
    expect(actor.assertionMethod).toHaveLength(2);
    expect(typeof actor.published).toBe("string");
    expect((await getJson(carol.actorUri)).manuallyApprovesFollowers).toBe(true);

    expect(await getJson(`${bob.actorUri}/followers`)).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    expect(await getJson(`${bob.actorUri}/following`)).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    expect(await getJson(`${bob.actorUri}/outbox`)).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    expect(await getJson(`${bob.actorUri}/liked`)).toMatchObject({ totalItems: 0 });

    const discoveryResponse = await fetch(`${bob.url}/.well-known/nodeinfo`);
    // Browser clients read NodeInfo cross-origin.
    expect(discoveryResponse.headers.get("access-control-allow-origin")).toBe("*");
    const discovery = (await discoveryResponse.json()) as { links: Array<{ rel: string; href: string }> };
    expect(discovery.links).toEqual([
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${bob.url}/nodeinfo/2.0` },
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${bob.url}/nodeinfo/2.1` },
    ]);
    for (const link of discovery.links) {
      const version = link.href.endsWith("2.0") ? "2.0" : "2.1";
      expect(await getJson(link.href, {})).toMatchObject({
        version,
        software: { name: "hearth", version: "0.1.0" },
        protocols: ["activitypub"],
        openRegistrations: false,
        usage: { users: { total: 1, activeMonth: 1, activeHalfyear: 1 }, localPosts: 0 },
      });
    }

    const hostMeta = await fetch(`${bob.url}/.well-known/host-meta`);
    expect(hostMeta.headers.get("content-type")).toContain("application/xrd+xml");
    expect(await hostMeta.text()).toContain(`template="${bob.url}/.well-known/webfinger?resource={uri}"`);
  });

  it("resolves a handle on another loopback instance over http, and stores the actor as a remote account", async () => {
    const bobOnAlice = await remoteAccount(alice, bob);
    expect(bobOnAlice).toMatchObject({
      username: "bob",
      domain: bob.host,
      uri: bob.actorUri,
      url: `${bob.url}/@bob`,
      inbox_url: `${bob.actorUri}/inbox`,
      shared_inbox_url: `${bob.url}/inbox`,
      followers_url: `${bob.actorUri}/followers`,
      is_locked: 0,
    });
    expect(await resolveRemoteAccount(alice.core, `nobody@${bob.host}`)).toBeNull();
  });

  it("alice follows bob by handle: bob accepts at once and both sides agree", async () => {
    const bobOnAlice = await remoteAccount(alice, bob);
    const follow = await followAccount(alice.core, alice.owner.id, bobOnAlice.id, { origin: alice.url });
    expect(follow.state).toBe("pending");

    await waitFor(async () => (await followState(alice, alice.owner.id, bobOnAlice.id)) === "accepted", { what: "bob's Accept" });
    const aliceOnBob = await knownAccount(bob, alice);
    expect(aliceOnBob.domain).toBe(alice.host);
    expect(await followState(bob, aliceOnBob.id, bob.owner.id)).toBe("accepted");

    expect(await followersTotal(bob)).toBe(1);
    const firstPage = await getJson(`${bob.actorUri}/followers?cursor=`);
    expect(firstPage.orderedItems).toEqual([alice.actorUri]);
    expect((await getJson(`${alice.actorUri}/following`)).totalItems).toBe(1);
    expect((await getAccountStats(bob.core, bob.owner.id)).followersCount).toBe(1);
    expect((await getAccountStats(alice.core, alice.owner.id)).followingCount).toBe(1);
  });

  it("a locked account (carol) holds the follow as a request until she accepts it", async () => {
    const carolOnAlice = await remoteAccount(alice, carol);
    expect(carolOnAlice.is_locked).toBe(1);
    await followAccount(alice.core, alice.owner.id, carolOnAlice.id, { origin: alice.url });

    await waitFor(async () => (await getAccountStats(carol.core, carol.owner.id)).followRequestsCount === 1, { what: "carol's follow request" });
    await waitFor(() => alice.isQueueEmpty(), { what: "alice's queue to drain" });
    await waitFor(() => carol.isQueueEmpty(), { what: "carol's queue to drain" });
    expect(await followState(alice, alice.owner.id, carolOnAlice.id)).toBe("pending");
    expect(await followersTotal(carol)).toBe(0);

    const aliceOnCarol = await knownAccount(carol, alice);
    await acceptFollowRequest(carol.core, carol.owner.id, aliceOnCarol.id);
    await waitFor(async () => (await followState(alice, alice.owner.id, carolOnAlice.id)) === "accepted", { what: "carol's Accept" });
    expect(await followersTotal(carol)).toBe(1);
    expect((await getAccountStats(carol.core, carol.owner.id)).followRequestsCount).toBe(0);
  });

  it("a rejected request leaves no follow on either side", async () => {
    const carolOnBob = await remoteAccount(bob, carol);
    await followAccount(bob.core, bob.owner.id, carolOnBob.id, { origin: bob.url });
    const bobOnCarol = await knownAccount(carol, bob);
    await waitFor(async () => (await followState(carol, bobOnCarol.id, carol.owner.id)) === "pending", { what: "bob's request at carol" });

    await rejectFollowRequest(carol.core, carol.owner.id, bobOnCarol.id);
    expect(await followState(carol, bobOnCarol.id, carol.owner.id)).toBe("none");
    await waitFor(async () => (await followState(bob, bob.owner.id, carolOnBob.id)) === "none", { what: "carol's Reject" });
  });

  it("Undo(Follow) removes alice from bob's followers", async () => {
    const bobOnAlice = await remoteAccount(alice, bob);
    await unfollowAccount(alice.core, alice.owner.id, bobOnAlice.id);
    expect(await followState(alice, alice.owner.id, bobOnAlice.id)).toBe("none");
    await waitFor(async () => (await followersTotal(bob)) === 0, { what: "bob to drop alice" });
    expect((await getAccountStats(bob.core, bob.owner.id)).followersCount).toBe(0);
  });

  it("removing a follower tells the follower's server, which drops the follow", async () => {
    const aliceOnCarol = await knownAccount(carol, alice);
    const carolOnAlice = await remoteAccount(alice, carol);
    await removeFollower(carol.core, carol.owner.id, aliceOnCarol.id);
    expect(await followersTotal(carol)).toBe(0);
    await waitFor(async () => (await followState(alice, alice.owner.id, carolOnAlice.id)) === "none", { what: "alice to drop her follow" });
  });
});

describe("federation on loopback: inboxes refuse bad input and store nothing", () => {
  let group: InstanceGroup;
  let dave: TestInstance;
  let erin: TestInstance;
  let frank: TestInstance;
  let daveKey: { keyId: URL; privateKey: webcrypto.CryptoKey };

  beforeAll(async () => {
    group = await startInstances([{ username: "dave" }, { username: "erin" }, { username: "frank", allowPrivateNetwork: false }]);
    [dave, erin, frank] = group.instances as [TestInstance, TestInstance, TestInstance];
    const user = await getLocalUser(dave.core, dave.owner.id);
    if (!user) throw new Error("dave has no keys");
    const actor = await getJson(dave.actorUri);
    daveKey = {
      keyId: new URL((actor.publicKey as { id: string }).id),
      privateKey: await importJwk(JSON.parse(user.rsa_private_jwk) as webcrypto.JsonWebKey, "private"),
    };
  });
  afterAll(() => group?.close());

  /** What erin has stored from elsewhere: remote accounts and follows. */
  async function erinStored() {
    const accounts = await sql<{ count: number }>`SELECT count(*) AS count FROM accounts WHERE domain IS NOT NULL`.execute(erin.core.db);
    const follows = await sql<{ count: number }>`SELECT count(*) AS count FROM follows`.execute(erin.core.db);
    return { accounts: accounts.rows[0]?.count, follows: follows.rows[0]?.count };
  }

  function followActivity(actor: string, object: string) {
    return { "@context": "https://www.w3.org/ns/activitystreams", id: `${dave.url}/follows/${crypto.randomUUID()}`, type: "Follow", actor, object };
  }

  async function signedPost(url: string, body: unknown): Promise<Response> {
    const request = new Request(url, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
      body: JSON.stringify(body),
    });
    const signed = await signRequest(request, daveKey.privateKey, daveKey.keyId, { spec: "draft-cavage-http-signatures-12" });
    return fetch(signed);
  }

  it("answers an unsigned POST to an inbox with 401", async () => {
    const response = await fetch(`${erin.actorUri}/inbox`, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json" },
      body: JSON.stringify(followActivity(dave.actorUri, erin.actorUri)),
    });
    expect(response.status).toBe(401);
    expect(await erinStored()).toEqual({ accounts: 0, follows: 0 });
  });

  it("rejects an activity signed by one actor that claims another", async () => {
    const response = await signedPost(`${erin.url}/inbox`, followActivity(`${dave.url}/users/someone-else`, erin.actorUri));
    expect(response.status).toBe(401);
    expect(await erinStored()).toEqual({ accounts: 0, follows: 0 });
  });

  it("refuses a body over 1 MB with 413", async () => {
    const huge = { ...followActivity(dave.actorUri, erin.actorUri), padding: "x".repeat(1024 * 1024) };
    const response = await signedPost(`${erin.actorUri}/inbox`, huge);
    expect(response.status).toBe(413);
    expect(await erinStored()).toEqual({ accounts: 0, follows: 0 });
  });

  it("accepts a signed Follow of a local user who does not exist, and stores nothing", async () => {
    const response = await signedPost(`${erin.url}/inbox`, followActivity(dave.actorUri, `${erin.url}/users/nobody`));
    expect(response.status).toBe(202);
    await waitFor(() => erin.isQueueEmpty(), { what: "erin's queue to drain" });
    expect(await erinStored()).toEqual({ accounts: 0, follows: 0 });
  });

  it("the same signature machinery does accept a real Follow (the refusals above are not accidents)", async () => {
    const response = await signedPost(`${erin.actorUri}/inbox`, followActivity(dave.actorUri, erin.actorUri));
    expect(response.status).toBe(202);
    await waitFor(async () => (await erinStored()).follows === 1, { what: "erin to record dave's follow" });
    expect((await erinStored()).accounts).toBe(1);
  });

  it("without --allow-private-network, will not look up a handle on a loopback address", async () => {
    expect(await resolveRemoteAccount(frank.core, erin.handle)).toBeNull();
    expect(await resolveRemoteAccount(dave.core, erin.handle)).not.toBeNull();
  });
});
