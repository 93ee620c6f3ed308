import type { MastoHttpError, mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** The account `who` is on `viewer`'s instance, found as a person would: search by handle, resolved by WebFinger. */
async function resolveByHandle(viewer: ApiUser, who: TestInstance): Promise<mastodon.v1.Account> {
  const result = await viewer.client.v2.search.list({ q: `@${who.handle}`, resolve: true, type: "accounts" });
  const account = result.accounts[0];
  if (!account) throw new Error(`${who.handle} was not found`);
  return account;
}

async function relationship(user: ApiUser, accountId: string): Promise<mastodon.v1.Relationship> {
  const [found] = await user.client.v1.accounts.relationships.fetch({ id: [accountId] });
  if (!found) throw new Error(`no relationship with ${accountId}`);
  return found;
}

/** Whether `where` keeps a follow from the account with actor `followerUri` to the one with `targetUri`. */
async function hasFollow(where: TestInstance, followerUri: string, targetUri: string): Promise<boolean> {
  const ownUri = (uri: string) => (uri === where.actorUri ? where.owner : findAccountByUri(where.core, uri));
  const [follower, target] = await Promise.all([ownUri(followerUri), ownUri(targetUri)]);
  if (!follower || !target) return false;
  return (await getFollow(where.core, follower.id, target.id)) !== undefined;
}

describe("relationships across instances through the client API", () => {
  let group: InstanceGroup;
  let aliceHome: TestInstance;
  let bobHome: TestInstance;
  let carolHome: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;
  let carol: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }, { username: "carol", locked: true }]);
    [aliceHome, bobHome, carolHome] = group.instances as [TestInstance, TestInstance, TestInstance];
    alice = await apiUser(aliceHome.core, aliceHome.url, aliceHome.owner);
    bob = await apiUser(bobHome.core, bobHome.url, bobHome.owner);
    carol = await apiUser(carolHome.core, carolHome.url, carolHome.owner);
  });
  afterAll(() => group?.close());

  it("finds a remote account by handle with resolve=true, and by its actor URL", async () => {
    // Without resolve, an account never seen is not found.
    expect((await alice.client.v2.search.list({ q: `@${bobHome.handle}`, type: "accounts" })).accounts).toEqual([]);
    const bobOnAlice = await resolveByHandle(alice, bobHome);
    expect(bobOnAlice).toMatchObject({ username: "bob", acct: bobHome.handle, url: `${bobHome.url}/@bob` });
    expect((await alice.client.v1.accounts.lookup({ acct: bobHome.handle })).id).toBe(bobOnAlice.id);
    expect((await alice.client.v1.accounts.search.list({ q: bobHome.handle })).map((account) => account.id)).toEqual([bobOnAlice.id]);

    const byUrl = await alice.client.v2.search.list({ q: carolHome.actorUri, resolve: true });
    expect(byUrl.accounts.map((account) => account.acct)).toEqual([carolHome.handle]);
    expect(byUrl.accounts[0]?.locked).toBe(true);
    // Anonymous search may not make this server fetch anything.
    expect((await fetch(`${aliceHome.url}/api/v2/search?q=${encodeURIComponent(bobHome.handle)}&resolve=true`)).status).toBe(401);
  });

  it("finds a remote post by its address with resolve=true, and only then", async () => {
    const post = await postStatus(bobHome.core, { accountId: bob.account.id, text: "Curiouser and curiouser", visibility: "public" }, { origin: bobHome.url });
    const address = `${bobHome.url}/users/bob/statuses/${post.id}`;
    expect((await alice.client.v2.search.list({ q: address })).statuses).toEqual([]);
    const found = await alice.client.v2.search.list({ q: address, resolve: true });
    expect(found.statuses.map((status) => [status.uri, status.account.acct])).toEqual([[address, bobHome.handle]]);
    expect(found.statuses[0]?.content).toContain("Curiouser and curiouser");
    // Stored now: found again without fetching.
    expect((await alice.client.v2.search.list({ q: address })).statuses.map((status) => status.id)).toEqual([found.statuses[0]?.id]);
  });

  it("follows a remote account with options, sees it accepted, and unfollows it", async () => {
    const bobOnAlice = await resolveByHandle(alice, bobHome);
    const requested = await alice.client.v1.accounts.$select(bobOnAlice.id).follow({ reblogs: false, notify: true });
    expect(requested).toMatchObject({ requested: true, following: false, showingReblogs: false, notifying: true });
    await waitFor(async () => (await relationship(alice, bobOnAlice.id)).following, { what: "bob's Accept" });

    const followers = await bob.client.v1.accounts.$select(bob.account.id).followers.list();
    expect(followers.map((account) => account.acct)).toEqual([aliceHome.handle]);
    expect((await relationship(bob, followers[0]?.id ?? "")).followedBy).toBe(true);

    expect((await alice.client.v1.accounts.$select(bobOnAlice.id).unfollow()).following).toBe(false);
    await waitFor(async () => (await bob.client.v1.accounts.$select(bob.account.id).followers.list()).length === 0, { what: "bob to drop alice" });
  });

  it("a block ends follows both ways, on both servers, and stops new follows", async () => {
    const bobOnAlice = await resolveByHandle(alice, bobHome);
    const aliceOnBob = await resolveByHandle(bob, aliceHome);
    await alice.client.v1.accounts.$select(bobOnAlice.id).follow();
    await bob.client.v1.accounts.$select(aliceOnBob.id).follow();
    await waitFor(async () => {
      const seen = await relationship(alice, bobOnAlice.id);
      return seen.following && seen.followedBy;
    }, { what: "both follows to be accepted" });

    const blocked = await alice.client.v1.accounts.$select(bobOnAlice.id).block();
    expect(blocked).toMatchObject({ blocking: true, following: false, followedBy: false, requested: false });
    // Bob's server heard the Undo(Follow) and the Reject: neither follow is left there.
    await waitFor(async () => !(await hasFollow(bobHome, aliceHome.actorUri, bobHome.actorUri)), { what: "bob's server to drop alice's follow" });
    await waitFor(async () => !(await hasFollow(bobHome, bobHome.actorUri, aliceHome.actorUri)), { what: "bob's server to drop bob's follow" });

    const refused = await alice.client.v1.accounts
      .$select(bobOnAlice.id)
      .follow()
      .catch((error: MastoHttpError) => error);
    expect((refused as MastoHttpError).statusCode).toBe(403);
    expect((await alice.client.v1.blocks.list()).map((account) => account.id)).toEqual([bobOnAlice.id]);
    // Bob's server hears the Block: bob sees it, and cannot follow alice from there either.
    await waitFor(async () => (await relationship(bob, aliceOnBob.id)).blockedBy, { what: "the Block at bob's server" });
    expect((await bob.request(`/api/v1/accounts/${aliceOnBob.id}/follow`, { method: "POST" })).status).toBe(403);

    expect((await alice.client.v1.accounts.$select(bobOnAlice.id).unblock()).blocking).toBe(false);
    expect(await alice.client.v1.blocks.list()).toEqual([]);
    await waitFor(async () => !(await relationship(bob, aliceOnBob.id)).blockedBy, { what: "the Undo(Block) at bob's server" });
  });

  it("a locked account sees follow requests, authorizes one and rejects another", async () => {
    const carolOnAlice = await resolveByHandle(alice, carolHome);
    const carolOnBob = await resolveByHandle(bob, carolHome);
    expect((await alice.client.v1.accounts.$select(carolOnAlice.id).follow()).requested).toBe(true);
    await bob.client.v1.accounts.$select(carolOnBob.id).follow();

    const requests = await waitFor(
      async () => {
        const listed = await carol.client.v1.followRequests.list();
        return listed.length === 2 ? listed : undefined;
      },
      { what: "both follow requests at carol's" },
    );
    const aliceOnCarol = requests.find((account) => account.acct === aliceHome.handle);
    const bobOnCarol = requests.find((account) => account.acct === bobHome.handle);
    if (!aliceOnCarol || !bobOnCarol) throw new Error("the requests are not from alice and bob");
    expect((await relationship(carol, aliceOnCarol.id)).requestedBy).toBe(true);

    expect((await carol.client.v1.followRequests.$select(aliceOnCarol.id).authorize()).followedBy).toBe(true);
    expect((await carol.client.v1.followRequests.$select(bobOnCarol.id).reject()).requestedBy).toBe(false);
    expect(await carol.client.v1.followRequests.list()).toEqual([]);
    // Answering a request that is no longer there is "not found".
    const again = await carol.request(`/api/v1/follow_requests/${bobOnCarol.id}/reject`, { method: "POST" });
    expect(again.status).toBe(404);

    await waitFor(async () => (await relationship(alice, carolOnAlice.id)).following, { what: "carol's Accept at alice's" });
    await waitFor(async () => {
      const seen = await relationship(bob, carolOnBob.id);
      return !seen.requested && !seen.following;
    }, { what: "carol's Reject at bob's" });
  });

  it("mutes for a while: the relationship says so until the mute runs out", async () => {
    const bobOnAlice = await resolveByHandle(alice, bobHome);
    const muted = await alice.client.v1.accounts.$select(bobOnAlice.id).mute({ notifications: false, duration: 2 });
    expect(muted).toMatchObject({ muting: true, mutingNotifications: false });
    const [listed] = (await (await alice.request("/api/v1/mutes")).json()) as Array<{ id: string; mute_expires_at: string | null }>;
    expect(listed?.id).toBe(bobOnAlice.id);
    const expiresIn = Date.parse(listed?.mute_expires_at ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(2000);

    await waitFor(async () => !(await relationship(alice, bobOnAlice.id)).muting, { what: "the mute to run out", timeoutMs: 6000 });
    expect(await alice.client.v1.mutes.list()).toEqual([]);

    // A mute without duration stays until it is lifted.
    expect((await alice.client.v1.accounts.$select(bobOnAlice.id).mute()).mutingNotifications).toBe(true);
    expect((await alice.client.v1.mutes.list()).map((account) => account.id)).toEqual([bobOnAlice.id]);
    expect((await alice.client.v1.accounts.$select(bobOnAlice.id).unmute()).muting).toBe(false);
    const badDuration = await alice.request(`/api/v1/accounts/${bobOnAlice.id}/mute`, jsonBody("POST", { duration: -5 }));
    expect(badDuration.status).toBe(422);
  });

  it("blocks a whole domain: follows with it end, and the relationship shows it", async () => {
    const bobOnAlice = await resolveByHandle(alice, bobHome);
    await alice.client.v1.accounts.$select(bobOnAlice.id).follow();
    await waitFor(async () => (await relationship(alice, bobOnAlice.id)).following, { what: "bob's Accept" });

    await alice.client.v1.domainBlocks.create({ domain: bobHome.host });
    expect(await alice.client.v1.domainBlocks.list()).toEqual([bobHome.host]);
    expect(await relationship(alice, bobOnAlice.id)).toMatchObject({ domainBlocking: true, following: false });
    await waitFor(async () => !(await hasFollow(bobHome, aliceHome.actorUri, bobHome.actorUri)), { what: "bob's server to drop the follow" });
    expect((await alice.request(`/api/v1/accounts/${bobOnAlice.id}/follow`, { method: "POST" })).status).toBe(403);

    // Bob's server knows nothing of a domain block: bob's Follow arrives, and alice's server turns it away.
    const aliceOnBob = await resolveByHandle(bob, aliceHome);
    expect((await bob.client.v1.accounts.$select(aliceOnBob.id).follow()).requested).toBe(true);
    await waitFor(async () => !(await relationship(bob, aliceOnBob.id)).requested, { what: "alice's server to reject bob's follow" });
    expect(await hasFollow(aliceHome, bobHome.actorUri, aliceHome.actorUri)).toBe(false);
    expect(await alice.client.v1.followRequests.list()).toEqual([]);

    await alice.client.v1.domainBlocks.remove({ domain: bobHome.host });
    expect(await alice.client.v1.domainBlocks.list()).toEqual([]);
    expect((await alice.request("/api/v1/domain_blocks", jsonBody("POST", { domain: "not a domain" }))).status).toBe(422);
  });

  it("a profile change reaches the servers of followers", async () => {
    const aliceOnBob = await resolveByHandle(bob, aliceHome);
    await bob.client.v1.accounts.$select(aliceOnBob.id).follow();
    await waitFor(async () => (await relationship(bob, aliceOnBob.id)).following, { what: "alice's Accept" });

    await alice.client.v1.accounts.updateCredentials({ displayName: "Alice of Wonderland", fieldsAttributes: [{ name: "Home", value: "Wonderland" }] });
    const seen = await waitFor(
      async () => {
        const account = await bob.client.v1.accounts.$select(aliceOnBob.id).fetch();
        return account.displayName === "Alice of Wonderland" ? account : undefined;
      },
      { what: "the Update(Person) at bob's server" },
    );
    expect(seen.fields.map((field) => [field.name, field.value])).toEqual([["Home", "Wonderland"]]);
  });
});
