import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { remoteMediaKey } from "../../server/core/media/media.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { accountOn, arrivedOn, drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { AccountRow, StatusRow } from "../../server/core/rows.ts";

const ADMIN_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

/**
 * Olive's instance blocks bob's domain with severity silence, reject_media and reject_reports; carol's domain,
 * unblocked, is the control beside every check.
 */
describe("a domain block's severity silence, and its reject_media and reject_reports flags", () => {
  let group: InstanceGroup;
  let olive: TestInstance;
  let bob: TestInstance;
  let carol: TestInstance;
  let owner: ApiUser;
  /** A member of olive's instance who follows bob and carol. */
  let milo: ApiUser;
  let bobApi: ApiUser;
  let carolApi: ApiUser;
  let bobOnOlive: AccountRow;
  let carolOnOlive: AccountRow;

  async function setAvatar(user: ApiUser): Promise<void> {
    const form = new FormData();
    form.set("avatar", new Blob([new Uint8Array(await twoColours(300, 300).png().toBuffer())], { type: "image/png" }));
    expect((await user.request("/api/v1/accounts/update_credentials", { method: "PATCH", body: form })).status).toBe(200);
  }

  async function post(instance: TestInstance, user: ApiUser, text: string, withPhoto = false): Promise<StatusRow> {
    const mediaIds: string[] = [];
    if (withPhoto) {
      const png = await twoColours(200, 100).png().toBuffer();
      mediaIds.push((await user.client.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }) })).id);
    }
    const status = await user.client.v1.statuses.create({ status: text, visibility: "public", mediaIds });
    return arrivedOn(olive, `${instance.actorUri}/statuses/${status.id}`, text);
  }

  async function handleOn(user: ApiUser, handle: string): Promise<string> {
    const found = await user.client.v2.search.list({ q: `@${handle}`, resolve: true, type: "accounts" });
    const account = found.accounts[0];
    if (!account) throw new Error(`${handle} not found`);
    return account.id;
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "bob" }, { username: "carol" }]);
    [olive, bob, carol] = group.instances as [TestInstance, TestInstance, TestInstance];
    owner = await apiUser(olive.core, olive.url, olive.owner, ADMIN_SCOPES);
    milo = await apiUser(olive.core, olive.url, await addLocalAccount(olive.core, "milo"));
    bobApi = await apiUser(bob.core, bob.url, bob.owner);
    carolApi = await apiUser(carol.core, carol.url, carol.owner);
    const made = await owner.request("/api/v1/admin/domain_blocks", jsonBody("POST", { domain: bob.host, severity: "silence", reject_media: true, reject_reports: true }));
    expect(made.status).toBe(200);
    // Faces before olive first hears of them, so their actors arrive with them.
    await setAvatar(bobApi);
    await setAvatar(carolApi);
    for (const who of [bob, carol]) await milo.client.v1.accounts.$select(await handleOn(milo, who.handle)).follow();
    bobOnOlive = await accountOn(olive, bob);
    carolOnOlive = await accountOn(olive, carol);
    for (const account of [bobOnOlive, carolOnOlive]) {
      await waitFor(async () => (await getFollow(olive.core, milo.account.id, account.id))?.state === "accepted", { what: `milo to follow ${account.uri}` });
    }
  });
  afterAll(() => group?.close());

  it("silence: bob's posts leave the public and hashtag timelines, for his follower too, and stay in her home; carol's stay everywhere", async () => {
    const bobs = await post(bob, bobApi, "Bob on #gardening");
    const carols = await post(carol, carolApi, "Carol on #gardening");
    const publicIds = async (user: ApiUser) => (await user.client.v1.timelines.public.list({ limit: 40 })).map((status) => status.id);
    const tagIds = async (user: ApiUser) => (await user.client.v1.timelines.tag.$select("gardening").list({ limit: 40 })).map((status) => status.id);
    for (const user of [owner, milo]) {
      expect(await publicIds(user)).toContain(carols.id);
      expect(await publicIds(user)).not.toContain(bobs.id);
      expect(await tagIds(user)).toContain(carols.id);
      expect(await tagIds(user)).not.toContain(bobs.id);
    }
    const home = await waitFor(async () => {
      const ids = (await milo.client.v1.timelines.home.list({ limit: 40 })).map((status) => status.id);
      return ids.includes(bobs.id) && ids.includes(carols.id) && ids;
    }, { what: "both posts in milo's home" });
    expect(home).toContain(bobs.id);
  });

  it("silence: a mention from bob notifies milo, who follows him, not the owner, who does not; carol's reaches the owner", async () => {
    const bobMention = await post(bob, bobApi, `Hello @${olive.handle} and @milo@${olive.host}`);
    const carolMention = await post(carol, carolApi, `Hello @${olive.handle}`);
    const mentionsOf = async (user: ApiUser) => (await user.client.v1.notifications.list({ types: ["mention"] })).map((notification) => notification.status?.id);
    await waitFor(async () => (await mentionsOf(milo)).includes(bobMention.id), { what: "bob's mention in milo's notifications" });
    await waitFor(async () => (await mentionsOf(owner)).includes(carolMention.id), { what: "carol's mention in the owner's notifications" });
    await drained(bob, olive);
    expect(await mentionsOf(owner)).not.toContain(bobMention.id);
  });

  it("reject_media: bob's photo and avatar stay links to his server, carol's are fetched and kept", async () => {
    const bobs = await post(bob, bobApi, "Bob's photo", true);
    const carols = await post(carol, carolApi, "Carol's photo", true);
    const mediaOf = (status: StatusRow) => olive.core.db.selectFrom("media_attachments").selectAll().where("status_id", "=", status.id).executeTakeFirstOrThrow();
    // The proxy asks the cache on demand: for carol it fetches, for bob it is refused and sends the client to him.
    const proxied = async (row: { id: string; remote_url: string | null }) =>
      (await fetch(`${olive.url}/media_proxy/${row.id}/original?k=${remoteMediaKey(row.remote_url!)}`, { redirect: "manual" })).headers.get("location");
    const bobMedia = await mediaOf(bobs);
    const carolMedia = await mediaOf(carols);
    expect(await proxied(carolMedia)).toMatch(new RegExp(`^${olive.url}/media/cache/`));
    expect(await proxied(bobMedia)).toBe(bobMedia.remote_url);
    expect((await mediaOf(bobs)).file).toBeNull();
    expect((await mediaOf(carols)).file).toMatch(/^cache\//);

    const avatarOf = async (account: AccountRow) => (await fetch(`${olive.url}/media_proxy/accounts/${account.id}/avatar`, { redirect: "manual" })).headers.get("location");
    expect(await avatarOf(carolOnOlive)).toMatch(new RegExp(`^${olive.url}/media/cache/avatars/`));
    expect(await avatarOf(bobOnOlive)).toMatch(new RegExp(`^${bob.url}/`));
    expect((await accountOn(olive, bob)).avatar_file).toBeNull();
  });

  it("reject_reports: bob's Flag about milo is not filed, carol's is", async () => {
    const reported = `milo@${olive.host}`;
    await carolApi.client.v1.reports.create({ accountId: await handleOn(carolApi, reported), comment: "from carol", forward: true });
    await bobApi.client.v1.reports.create({ accountId: await handleOn(bobApi, reported), comment: "from bob", forward: true });
    const queue = async () => (await owner.client.v1.admin.reports.list()).map((report) => report.comment);
    await waitFor(async () => (await queue()).includes("from carol"), { what: "carol's Flag filed on olive" });
    await drained(bob, olive);
    expect(await queue()).not.toContain("from bob");
  });
});
