import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { addLocalAccount, apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/** Adds one of `instance`'s own custom emoji (domain null), linked at `imageUrl`. */
async function addLocalEmoji(instance: TestInstance, shortcode: string, imageUrl: string): Promise<void> {
  await instance.core.db
    .insertInto("custom_emojis")
    .values({
      id: instance.core.ids.next(),
      shortcode,
      domain: null,
      uri: null,
      image_url: imageUrl,
      file: null,
      visible_in_picker: 1,
      category: null,
      updated_at: new Date().toISOString(),
    })
    .execute();
}

describe("custom emoji in account profiles", () => {
  let group: InstanceGroup;
  let aliceHome: TestInstance;
  let bobHome: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [aliceHome, bobHome] = group.instances as [TestInstance, TestInstance];
    alice = await apiUser(aliceHome.core, aliceHome.url, aliceHome.owner);
    bob = await apiUser(bobHome.core, bobHome.url, bobHome.owner);
    await addLocalEmoji(bobHome, "hearth", `${bobHome.url}/emoji/hearth.png`);
    // Alice's server has its own :hearth: with another image: Bob's name must still draw Bob's.
    await addLocalEmoji(aliceHome, "hearth", `${aliceHome.url}/emoji/other-hearth.png`);
  });
  afterAll(() => group?.close());

  it("lists the owner's own emoji in verify_credentials and update_credentials", async () => {
    const updated = await bob.client.v1.accounts.updateCredentials({ displayName: "Bob :hearth:", note: "no emoji :unknown_one: here" });
    expect(updated.emojis).toEqual([
      { shortcode: "hearth", url: `${bobHome.url}/emoji/hearth.png`, staticUrl: `${bobHome.url}/emoji/hearth.png`, visibleInPicker: true, category: null },
    ]);
    const me = await bob.client.v1.accounts.verifyCredentials();
    expect(me.displayName).toBe("Bob :hearth:");
    expect(me.emojis.map((emoji) => [emoji.shortcode, emoji.url])).toEqual([["hearth", `${bobHome.url}/emoji/hearth.png`]]);
  });

  it("draws the emoji wherever the account appears: the instance's contact and conversation participants", async () => {
    await bob.client.v1.accounts.updateCredentials({ displayName: "Bob :hearth:" });
    const hearth = { shortcode: "hearth", url: `${bobHome.url}/emoji/hearth.png`, staticUrl: `${bobHome.url}/emoji/hearth.png`, visibleInPicker: true, category: null };
    expect((await bob.client.v2.instance.fetch()).contact.account?.emojis).toEqual([hearth]);

    const dora = await apiUser(bobHome.core, bobHome.url, await addLocalAccount(bobHome.core, "dora"));
    const sent = await bob.client.v1.statuses.create({ status: "@dora just between us", visibility: "direct" });
    const [conversation] = await dora.client.v1.conversations.list();
    expect(conversation?.lastStatus?.id).toBe(sent.id);
    expect(conversation?.accounts.map((account) => [account.displayName, account.emojis])).toEqual([["Bob :hearth:", [hearth]]]);
  });

  it("puts the emoji in the actor document and shows it on a remote server's account entity", async () => {
    const person = (await (await fetch(bobHome.actorUri, { headers: { Accept: "application/activity+json" } })).json()) as { tag?: unknown };
    expect(JSON.stringify(person.tag)).toContain(":hearth:");

    const bobThere = await resolveRemoteAccount(aliceHome.core, bobHome.handle);
    if (!bobThere) throw new Error("Alice's server could not resolve Bob");
    const stored = await aliceHome.core.db.selectFrom("custom_emojis").selectAll().where("domain", "=", bobThere.domain).execute();
    expect(stored.map((row) => [row.shortcode, row.image_url])).toEqual([["hearth", `${bobHome.url}/emoji/hearth.png`]]);

    const account = await alice.client.v1.accounts.$select(bobThere.id).fetch();
    expect(account.displayName).toBe("Bob :hearth:");
    expect(account.emojis).toEqual([
      { shortcode: "hearth", url: `${bobHome.url}/emoji/hearth.png`, staticUrl: `${bobHome.url}/emoji/hearth.png`, visibleInPicker: false, category: null },
    ]);
    // An account whose profile names no emoji carries none.
    const own = await alice.client.v1.accounts.$select(aliceHome.owner.id).fetch();
    expect(own.emojis).toEqual([]);
  });
});
