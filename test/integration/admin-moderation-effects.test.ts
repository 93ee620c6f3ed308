import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { accountOn, arrivedOn, drained, follow, knownOn } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { AccountRow } from "../../server/core/rows.ts";

const ADMIN_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

async function resolveHandle(user: ApiUser, handle: string): Promise<string> {
  const found = await user.client.v2.search.list({ q: `@${handle}`, resolve: true, type: "accounts" });
  const account = found.accounts[0];
  if (!account) throw new Error(`${handle} not found`);
  return account.id;
}

describe("what the admin API's actions do beyond the account's flags", () => {
  let group: InstanceGroup;
  let olive: TestInstance;
  let bob: TestInstance;
  let owner: ApiUser;
  let moderator: ApiUser;
  let milo: ApiUser;
  /** bob's owner and bea, another account on his server whom no one suspends. */
  let bobApi: ApiUser;
  let beaApi: ApiUser;
  let bobOnOlive: AccountRow;
  let beaOnOlive: AccountRow;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "bob" }]);
    [olive, bob] = group.instances as [TestInstance, TestInstance];
    owner = await apiUser(olive.core, olive.url, olive.owner, ADMIN_SCOPES);
    moderator = await apiUser(olive.core, olive.url, await addLocalAccount(olive.core, "maud", "moderator"), ADMIN_SCOPES);
    milo = await apiUser(olive.core, olive.url, await addLocalAccount(olive.core, "milo"), ADMIN_SCOPES);
    bobApi = await apiUser(bob.core, bob.url, bob.owner, ADMIN_SCOPES);
    beaApi = await apiUser(bob.core, bob.url, await addLocalAccount(bob.core, "bea"));
    // Follows both ways between olive and bob; olive follows bea, and bea follows olive.
    await follow(olive, bob);
    await follow(bob, olive);
    beaOnOlive = await olive.core.db
      .selectFrom("accounts")
      .selectAll()
      .where("id", "=", await resolveHandle(owner, `bea@${bob.host}`))
      .executeTakeFirstOrThrow();
    await owner.client.v1.accounts.$select(beaOnOlive.id).follow();
    await beaApi.client.v1.accounts.$select(await resolveHandle(beaApi, olive.handle)).follow();
    await waitFor(async () => (await getFollow(olive.core, olive.owner.id, beaOnOlive.id))?.state === "accepted", { what: "olive to follow bea" });
    await waitFor(async () => (await getFollow(olive.core, beaOnOlive.id, olive.owner.id))?.state === "accepted", { what: "bea to follow olive" });
    bobOnOlive = await knownOn(olive, bob);
  });
  afterAll(() => group?.close());

  it("a member's report forwarded to bob's server reaches it though a moderator resolves it at once by suspending bob; one not forwarded does not", async () => {
    const kept = await milo.client.v1.reports.create({ accountId: beaOnOlive.id, comment: "kept here", forward: false });
    const forwarded = await milo.client.v1.reports.create({ accountId: bobOnOlive.id, comment: "forwarded to bob", forward: true });
    await moderator.client.v1.admin.accounts.$select(bobOnOlive.id).action.create({ type: "suspend", reportId: forwarded.id });
    expect((await owner.client.v1.admin.reports.$select(forwarded.id).fetch()).actionTaken).toBe(true);
    expect((await owner.client.v1.admin.reports.$select(kept.id).fetch()).actionTaken).toBe(false);

    const bobsQueue = async () => (await bobApi.client.v1.admin.reports.list()).map((report) => [report.comment, report.targetAccount.username]);
    await waitFor(async () => (await bobsQueue()).some(([comment]) => comment === "forwarded to bob"), { what: "the Flag to reach bob's server" });
    await drained(olive, bob);
    expect(await bobsQueue()).toEqual([["forwarded to bob", "bob"]]);
  });

  it("suspended remote bob: his follow of olive is rejected (his server hears it), and the inbox drops his posts; bea's arrive", async () => {
    // Suspended in the test above.
    expect((await owner.client.v1.admin.accounts.$select(bobOnOlive.id).fetch()).suspended).toBe(true);
    expect(await getFollow(olive.core, bobOnOlive.id, olive.owner.id)).toBeUndefined();
    const oliveOnBob = await accountOn(bob, olive);
    await waitFor(async () => (await getFollow(bob.core, bob.owner.id, oliveOnBob.id)) === undefined, { what: "bob's server to hear the Reject(Follow)" });
    // The control: bea, on the same server, still follows olive.
    expect((await getFollow(olive.core, beaOnOlive.id, olive.owner.id))?.state).toBe("accepted");

    // Olive still follows bob as Mastodon keeps it, so his server delivers his post: the inbox drops it.
    expect((await getFollow(bob.core, oliveOnBob.id, bob.owner.id))?.state).toBe("accepted");
    const bobs = await bobApi.client.v1.statuses.create({ status: "Bob, suspended over there", visibility: "public" });
    const beas = await beaApi.client.v1.statuses.create({ status: "Bea, still welcome", visibility: "public" });
    await arrivedOn(olive, `${bob.url}/users/bea/statuses/${beas.id}`);
    await drained(bob, olive);
    expect(await findStatusByUri(olive.core, `${bob.actorUri}/statuses/${bobs.id}`)).toBeUndefined();
  });

  it("sensitive: every post of a marked account with media is shown sensitive to others, not to its author, and not before", async () => {
    const png = await twoColours(120, 80).png().toBuffer();
    const media = await milo.client.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }) });
    const photo = await milo.client.v1.statuses.create({ status: "A photo", mediaIds: [media.id], visibility: "public" });
    const words = await milo.client.v1.statuses.create({ status: "Only words", visibility: "public" });
    const sensitiveFor = async (user: ApiUser, id: string) => (await user.client.v1.statuses.$select(id).fetch()).sensitive;
    expect(await sensitiveFor(owner, photo.id)).toBe(false);

    await moderator.client.v1.admin.accounts.$select(milo.account.id).action.create({ type: "sensitive" });
    expect(await sensitiveFor(owner, photo.id)).toBe(true);
    expect((await owner.client.v1.timelines.public.list({ local: true })).find((status) => status.id === photo.id)?.sensitive).toBe(true);
    expect(await sensitiveFor(owner, words.id)).toBe(false);
    expect(await sensitiveFor(milo, photo.id)).toBe(false);

    await moderator.client.v1.admin.accounts.$select(milo.account.id).unsensitive();
    expect(await sensitiveFor(owner, photo.id)).toBe(false);
  });
});
