import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/**
 * Timeline and notification pages are reused for a moment while nothing is written (api/recent-responses.ts):
 * every write, by this server or by another connection to its database, must show on the very next read.
 */
describe("reusing a recent timeline page", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    await alice.client.v1.accounts.$select(bob.account.id).follow();
  });
  afterAll(() => group?.close());

  it("answers the same page twice while nothing changes, and the change at once after a write", async () => {
    const posted = await bob.client.v1.statuses.create({ status: "First of the day" });
    const first = await alice.client.v1.timelines.home.list();
    const again = await alice.client.v1.timelines.home.list();
    expect(again).toEqual(first);
    expect(first[0]).toMatchObject({ id: posted.id, favourited: false, favouritesCount: 0 });

    await alice.client.v1.statuses.$select(posted.id).favourite();
    expect((await alice.client.v1.timelines.home.list())[0]).toMatchObject({ id: posted.id, favourited: true, favouritesCount: 1 });

    const second = await bob.client.v1.statuses.create({ status: "Second of the day" });
    expect((await alice.client.v1.timelines.home.list()).map((status) => status.id)).toEqual([second.id, posted.id]);
  });

  it("shows what another connection to the database wrote (another hearth process, Fedify's own connection)", async () => {
    const posted = await bob.client.v1.statuses.create({ status: "Soon to be edited elsewhere" });
    expect((await alice.client.v1.timelines.home.list())[0]?.content).toContain("Soon to be edited elsewhere");
    const other = new Database(`${home.dataDir}/hearth.db`);
    try {
      other.prepare("UPDATE statuses SET content = ? WHERE id = ?").run("<p>Changed by another process</p>", posted.id);
    } finally {
      other.close();
    }
    expect((await alice.client.v1.timelines.home.list())[0]?.content).toBe("<p>Changed by another process</p>");
  });

  it("keeps pages apart by token, URL and parameters, and still checks each token's scopes", async () => {
    const page = await alice.request("/api/v1/timelines/home?limit=1");
    const pageBody = (await page.json()) as { id: string }[];
    expect(pageBody).toHaveLength(1);
    expect(page.headers.get("link")).toContain("max_id=");
    const longer = (await (await alice.request("/api/v1/timelines/home?limit=2")).json()) as unknown[];
    expect(longer).toHaveLength(2);
    // The same page again: the same body, with its Link header and CORS headers.
    const reused = await alice.request("/api/v1/timelines/home?limit=1");
    expect(await reused.json()).toEqual(pageBody);
    expect(reused.headers.get("link")).toBe(page.headers.get("link"));
    expect(reused.headers.get("access-control-allow-origin")).toBe("*");
    expect(page.headers.get("access-control-allow-origin")).toBe("*");

    // Through the tunnel (Cloudflare names the visitor) each answer, read or reused, counts against the limit.
    const visitor = { headers: { "Cf-Connecting-IP": "192.0.2.7" } };
    const fresh = await alice.request("/api/v1/timelines/home?limit=3", visitor);
    const repeated = await alice.request("/api/v1/timelines/home?limit=3", visitor);
    expect(fresh.headers.get("x-ratelimit-limit")).toBe("300");
    expect(Number(repeated.headers.get("x-ratelimit-remaining"))).toBe(Number(fresh.headers.get("x-ratelimit-remaining")) - 1);
    expect(repeated.headers.get("link")).toBe(fresh.headers.get("link"));
    expect(await repeated.json()).toEqual(await fresh.json());

    // Bob's home is his own, read right after Alice's.
    expect((await bob.client.v1.timelines.home.list()).every((status) => status.account.id === bob.account.id)).toBe(true);
    // A token of Alice's without read access gets no page, reused or not.
    const writeOnly = await apiUser(home.core, home.url, alice.account, ["write"]);
    expect(await statusOf(Promise.resolve(writeOnly.client.v1.timelines.home.list()))).toBe(403);
    expect((await writeOnly.request("/api/v1/timelines/home?limit=1")).status).toBe(403);
  });

  it("reuses notifications pages the same way", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Tell me, @bob" });
    const before = await bob.client.v1.notifications.list();
    expect(await bob.client.v1.notifications.list()).toEqual(before);
    await alice.client.v1.statuses.$select(posted.id).remove();
    // The mention went with the status.
    const after = await bob.client.v1.notifications.list();
    expect(after.some((notification) => notification.status?.id === posted.id)).toBe(false);
    expect(before.some((notification) => notification.status?.id === posted.id)).toBe(true);
  });
});
