import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountRowCacheOf, statusCountsCacheOf, statusPartsCacheOf, statusRowCacheOf, viewerFiltersCacheOf, viewerMarksCacheOf } from "../../server/db/page-read-caches.ts";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * A server that falls idle gives back what it can rebuild (memory/idle-release.ts, issue #16): the page-read
 * caches are emptied, and the next pages read what they need again and answer as before.
 */
describe("an idle server's release", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", options: { idleReleaseAfterMs: 2_000 } }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    await alice.client.v1.accounts.$select(bob.account.id).follow();
  });
  afterAll(() => group?.close());

  const cachedValues = () =>
    [accountRowCacheOf, statusCountsCacheOf, viewerMarksCacheOf, statusRowCacheOf, statusPartsCacheOf, viewerFiltersCacheOf].map((cacheOf) => cacheOf(home.core.db)?.size ?? 0);

  it("empties the page-read caches once idle, and the pages after it answer as before", async () => {
    const posted = await bob.client.v1.statuses.create({ status: "Before the quiet" });
    const before = await alice.client.v1.timelines.home.list();
    expect(before[0]).toMatchObject({ id: posted.id, favourited: false, favouritesCount: 0, account: { id: bob.account.id } });
    // The page filled them: the accounts, the status's counts, alice's marks on it, its row, its parts and alice's filters.
    expect(cachedValues().every((size) => size > 0)).toBe(true);

    await waitFor(() => cachedValues().every((size) => size === 0), { what: "the idle release to empty the page-read caches" });

    expect(await alice.client.v1.timelines.home.list()).toEqual(before);
    expect(cachedValues().every((size) => size > 0)).toBe(true);
    await alice.client.v1.statuses.$select(posted.id).favourite();
    expect((await alice.client.v1.timelines.home.list())[0]).toMatchObject({ id: posted.id, favourited: true, favouritesCount: 1 });
  });
});
