import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, type ApiUser, jsonBody, statusOf } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import type { AccountRow } from "../../server/core/rows.ts";

const AP = { Accept: "application/activity+json" };

describe("accounts API: profiles, lookup, search, relationships", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bea: ApiUser;
  let cid: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bea = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bea"));
    cid = await apiUser(home.core, home.url, await addLocalAccount(home.core, "cid"));
  });
  afterAll(() => group?.close());

  it("update_credentials changes the profile that verify_credentials and the actor document show", async () => {
    const updated = await alice.client.v1.accounts.updateCredentials({
      displayName: "Alice Liddell",
      note: "Down the rabbit hole.\nSee https://example.com/wonderland #tea\n\nSecond paragraph",
      locked: true,
      fieldsAttributes: [
        { name: "Site", value: "https://alice.example" },
        { name: "Pronouns", value: "she/her" },
      ],
      source: { privacy: "unlisted", sensitive: true, language: "en" },
    });
    expect(updated.displayName).toBe("Alice Liddell");
    expect(updated.locked).toBe(true);

    const me = await alice.client.v1.accounts.verifyCredentials();
    expect(me.note).toBe(
      '<p>Down the rabbit hole.<br />See <a href="https://example.com/wonderland" target="_blank" rel="nofollow noopener noreferrer" translate="no">' +
        '<span class="invisible">https://</span><span class="">example.com/wonderland</span><span class="invisible"></span></a> ' +
        `<a href="${home.url}/tags/tea" class="mention hashtag" rel="tag">#<span>tea</span></a></p><p>Second paragraph</p>`,
    );
    expect(me.source.note).toBe("Down the rabbit hole.\nSee https://example.com/wonderland #tea\n\nSecond paragraph");
    expect(me.fields.map((field) => field.name)).toEqual(["Site", "Pronouns"]);
    expect(me.fields[0]?.value).toContain('<a href="https://alice.example"');
    expect(me.fields[1]?.value).toBe("she/her");
    // The edit form gets back what was typed, not the HTML.
    expect(me.source.fields).toEqual([
      { name: "Site", value: "https://alice.example", verifiedAt: null },
      { name: "Pronouns", value: "she/her", verifiedAt: null },
    ]);
    expect(me.source).toMatchObject({ privacy: "unlisted", sensitive: true, language: "en" });
    expect(me.locked).toBe(true);

    const actor = (await (await fetch(home.actorUri, { headers: AP })).json()) as Record<string, unknown>;
    expect(actor.name).toBe("Alice Liddell");
    expect(actor.summary).toBe(me.note);
    expect(actor.manuallyApprovesFollowers).toBe(true);
    expect(actor.attachment).toEqual([
      { type: "PropertyValue", name: "Site", value: me.fields[0]?.value },
      { type: "PropertyValue", name: "Pronouns", value: "she/her" },
    ]);

    // While locked, a follow waits as a request.
    expect((await cid.client.v1.accounts.$select(alice.account.id).follow()).requested).toBe(true);
    expect((await alice.client.v1.followRequests.list()).map((account) => account.id)).toEqual([cid.account.id]);

    // Mastodon's other form: a hash of indexes, here as JSON, replaces every field; empty rows are dropped.
    const response = await alice.request(
      "/api/v1/accounts/update_credentials",
      jsonBody("PATCH", { fields_attributes: { "1": { name: "Second", value: "two" }, "0": { name: "First", value: "one" }, "2": { name: "", value: "" } }, locked: false }),
    );
    expect(response.status).toBe(200);
    const again = (await response.json()) as { fields: Array<{ name: string }>; locked: boolean; display_name: string };
    expect(again.fields.map((field) => field.name)).toEqual(["First", "Second"]);
    expect(again).toMatchObject({ locked: false, display_name: "Alice Liddell" });
    // Unlocking lets in everyone who was waiting, as on Mastodon.
    expect((await cid.client.v1.accounts.relationships.fetch({ id: [alice.account.id] }))[0]).toMatchObject({ following: true, requested: false });
    expect(await alice.client.v1.followRequests.list()).toEqual([]);
  });

  it("refuses profile changes beyond Mastodon's limits with 422 and a sentence", async () => {
    const tooMany = Array.from({ length: 5 }, (_, index) => ({ name: `n${index}`, value: "v" }));
    for (const body of [
      { fields_attributes: tooMany },
      { display_name: "x".repeat(31) },
      { note: "y".repeat(501) },
      { source: { privacy: "direct" } },
      { source: { language: "not a language" } },
    ]) {
      const response = await alice.request("/api/v1/accounts/update_credentials", jsonBody("PATCH", body));
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(10);
    }
    const notAnImage = new FormData();
    notAnImage.set("avatar", new Blob(["plain text, not a picture"], { type: "image/png" }), "fake.png");
    const refused = await alice.request("/api/v1/accounts/update_credentials", { method: "PATCH", body: notAnImage });
    expect(refused.status).toBe(422);
    // Nothing of a refused request is kept.
    expect((await alice.client.v1.accounts.verifyCredentials()).avatar).toBe(`${home.url}/avatars/original/missing.png`);
  });

  it("takes a profile edit whose form carries empty avatar and header parts (a browser's empty file inputs, as Phanpy sends)", async () => {
    const boundary = "----hearth-empty-file-parts";
    const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
    const body =
      part('Content-Disposition: form-data; name="display_name"', "Alice of the empty inputs") +
      part('Content-Disposition: form-data; name="avatar"; filename=""\r\nContent-Type: application/octet-stream', "") +
      part('Content-Disposition: form-data; name="header"; filename=""\r\nContent-Type: application/octet-stream', "") +
      `--${boundary}--\r\n`;
    const before = await alice.client.v1.accounts.verifyCredentials();
    const response = await alice.request("/api/v1/accounts/update_credentials", {
      method: "PATCH",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBe(200);
    const after = await alice.client.v1.accounts.verifyCredentials();
    expect(after.displayName).toBe("Alice of the empty inputs");
    expect(after.avatar).toBe(before.avatar);
    expect(after.header).toBe(before.header);
  });

  it("stores an uploaded avatar as a square picture, and removes it again", async () => {
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#c0ffee" } }).png().toBuffer();
    const updated = await alice.client.v1.accounts.updateCredentials({ avatar: new Blob([new Uint8Array(png)], { type: "image/png" }) });
    expect(updated.avatar).toMatch(new RegExp(`^${home.url}/media/avatars/[0-9a-f]+\\.png$`));
    const picture = await fetch(updated.avatar);
    expect(picture.status).toBe(200);
    const metadata = await sharp(Buffer.from(await picture.arrayBuffer())).metadata();
    expect([metadata.width, metadata.height]).toEqual([400, 400]);

    const cleared = await alice.request("/api/v1/profile/avatar", { method: "DELETE" });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { avatar: string }).avatar).toBe(`${home.url}/avatars/original/missing.png`);
    expect((await fetch(updated.avatar)).status).toBe(404);
  });

  it("finds accounts by id, by handle and by search", async () => {
    expect((await alice.client.v1.accounts.$select(bea.account.id).fetch()).username).toBe("bea");
    expect((await alice.client.v1.accounts.lookup({ acct: "bea" })).id).toBe(bea.account.id);
    expect((await alice.client.v1.accounts.lookup({ acct: `bea@${home.host}` })).id).toBe(bea.account.id);
    expect(await statusOf(alice.client.v1.accounts.lookup({ acct: "nobody" }))).toBe(404);
    expect(await statusOf(alice.client.v1.accounts.$select("999999999999999999").fetch())).toBe(404);
    expect((await fetch(`${home.url}/api/v1/accounts/not-an-id`)).status).toBe(404);
    // Public: a profile is read without a token.
    expect((await fetch(`${home.url}/api/v1/accounts/${bea.account.id}`)).status).toBe(200);

    const found = await alice.client.v1.accounts.search.list({ q: "be" });
    expect(found.map((account) => account.acct)).toEqual(["bea"]);
    expect((await alice.client.v1.accounts.search.list({ q: "@cid" })).map((account) => account.id)).toEqual([cid.account.id]);
    expect((await fetch(`${home.url}/api/v1/accounts/search?q=be`)).status).toBe(401);
    expect((await alice.request("/api/v1/accounts/search")).status).toBe(422);

    const several = await alice.request(`/api/v1/accounts?id[]=${bea.account.id}&id[]=${cid.account.id}&id[]=123`);
    expect(((await several.json()) as Array<{ username: string }>).map((account) => account.username)).toEqual(["bea", "cid"]);
  });

  it("reports every field of a Relationship, and follows, notes and endorsements change it", async () => {
    const [before, unknown] = [
      await alice.client.v1.accounts.relationships.fetch({ id: [bea.account.id, "123456789012345678"] }),
      await alice.client.v1.accounts.relationships.fetch({ id: ["123456789012345678"] }),
    ];
    expect(unknown).toEqual([]);
    expect(before).toHaveLength(1);
    expect(before[0]).toEqual({
      id: bea.account.id,
      following: false,
      showingReblogs: false,
      notifying: false,
      languages: null,
      followedBy: false,
      blocking: false,
      blockedBy: false,
      muting: false,
      mutingNotifications: false,
      requested: false,
      requestedBy: false,
      domainBlocking: false,
      endorsed: false,
      note: "",
    });

    // Featuring needs a follow first, as on Mastodon.
    expect(await statusOf(alice.client.v1.accounts.$select(bea.account.id).pin())).toBe(422);

    const followed = await alice.client.v1.accounts.$select(bea.account.id).follow({ reblogs: false, notify: true, languages: ["en", "de"] });
    expect(followed).toMatchObject({ following: true, showingReblogs: false, notifying: true, languages: ["en", "de"] });
    const [fromBea] = await bea.client.v1.accounts.relationships.fetch({ id: [alice.account.id] });
    expect(fromBea).toMatchObject({ followedBy: true, following: false });

    const noted = await alice.client.v1.accounts.$select(bea.account.id).note.create({ comment: "met at the tea party" });
    expect(noted.note).toBe("met at the tea party");
    // A private note is its writer's alone.
    expect((await cid.client.v1.accounts.relationships.fetch({ id: [bea.account.id] }))[0]?.note).toBe("");

    expect((await alice.client.v1.accounts.$select(bea.account.id).pin()).endorsed).toBe(true);
    expect((await alice.client.v1.endorsements.list()).map((account) => account.id)).toEqual([bea.account.id]);
    expect((await alice.client.v1.accounts.$select(alice.account.id).endorsements.list()).map((account) => account.id)).toEqual([bea.account.id]);

    // Unfollowing ends the endorsement too: only followed accounts are featured.
    const unfollowed = await alice.client.v1.accounts.$select(bea.account.id).unfollow();
    expect(unfollowed).toMatchObject({ following: false, endorsed: false, note: "met at the tea party" });
  });

  it("lists familiar followers: accounts the viewer follows that follow the other", async () => {
    await alice.client.v1.accounts.$select(bea.account.id).follow();
    await bea.client.v1.accounts.$select(cid.account.id).follow();
    // Raw: masto (7 and 8 alike) sends its array as ?0=..., not Mastodon's id[]=.
    const response = await alice.request(`/api/v1/accounts/familiar_followers?id[]=${cid.account.id}&id[]=${alice.account.id}`);
    const familiar = (await response.json()) as Array<{ id: string; accounts: Array<{ id: string }> }>;
    expect(familiar.map((entry) => entry.id)).toEqual([cid.account.id, alice.account.id]);
    expect(familiar[0]?.accounts.map((account) => account.id)).toEqual([bea.account.id]);
    expect(familiar[1]?.accounts).toEqual([]);
  });

  it("pages followers with Link headers that keep the other parameters", async () => {
    const followers: AccountRow[] = [];
    for (const name of ["dee", "eli", "fay"]) {
      const follower = await apiUser(home.core, home.url, await addLocalAccount(home.core, name));
      await follower.client.v1.accounts.$select(cid.account.id).follow();
      followers.push(follower.account);
    }
    // bea followed cid earlier, then dee, eli, fay: newest first.
    const first = await fetch(`${home.url}/api/v1/accounts/${cid.account.id}/followers?limit=2`);
    expect(((await first.json()) as Array<{ username: string }>).map((account) => account.username)).toEqual(["fay", "eli"]);
    const link = first.headers.get("link") ?? "";
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    const prev = /<([^>]+)>; rel="prev"/.exec(link)?.[1];
    expect(next).toMatch(/limit=2/);
    expect(next).toMatch(/max_id=\d{18}/);
    expect(prev).toMatch(/min_id=\d{18}/);

    const second = await fetch(next ?? "");
    expect(((await second.json()) as Array<{ username: string }>).map((account) => account.username)).toEqual(["dee", "bea"]);
    const third = await fetch(/<([^>]+)>; rel="next"/.exec(second.headers.get("link") ?? "")?.[1] ?? "");
    expect(await third.json()).toEqual([]);
    expect(third.headers.get("link")).toBeNull();
    // min_id reads the page just above, still newest first.
    const back = await fetch(/<([^>]+)>; rel="prev"/.exec(second.headers.get("link") ?? "")?.[1] ?? "");
    expect(((await back.json()) as Array<{ username: string }>).map((account) => account.username)).toEqual(["fay", "eli"]);

    // masto follows the Link header page by page.
    const paginator = alice.client.v1.accounts.$select(cid.account.id).followers.list({ limit: 3 });
    const pages: string[][] = [];
    for await (const page of paginator) pages.push(page.map((account) => account.username));
    // A page shorter than its limit offers no next (as on Mastodon), so the paginator stops without an empty page.
    expect(pages).toEqual([["fay", "eli", "dee"], ["bea"]]);
    expect((await fetch(`${home.url}/api/v1/accounts/${cid.account.id}/following`)).status).toBe(200);
  });

  it("enforces scopes: a read-only token cannot act, a token without read:follows cannot read relationships", async () => {
    const readOnly = await apiUser(home.core, home.url, home.owner, ["read"]);
    expect(await statusOf(readOnly.client.v1.accounts.$select(cid.account.id).follow())).toBe(403);
    expect(await statusOf(readOnly.client.v1.accounts.$select(cid.account.id).block())).toBe(403);
    expect(await statusOf(readOnly.client.v1.accounts.updateCredentials({ displayName: "Nope" }))).toBe(403);
    const profileOnly = await apiUser(home.core, home.url, home.owner, ["write:accounts"]);
    expect(await statusOf(profileOnly.client.v1.accounts.relationships.fetch({ id: [cid.account.id] }))).toBe(403);
    const followScope = await apiUser(home.core, home.url, home.owner, ["follow"]);
    expect((await followScope.client.v1.accounts.$select(cid.account.id).block()).blocking).toBe(true);
    expect((await followScope.client.v1.accounts.$select(cid.account.id).unblock()).blocking).toBe(false);
    expect((await fetch(`${home.url}/api/v1/accounts/${cid.account.id}/follow`, { method: "POST" })).status).toBe(401);
    expect(await statusOf(alice.client.v1.accounts.$select("123456789012345678").follow())).toBe(404);
  });

  it("answers the endpoints of features a home server does without with 200 and an empty list", async () => {
    for (const path of [
      "/api/v1/suggestions",
      "/api/v2/suggestions",
      "/api/v1/trends",
      "/api/v1/trends/tags",
      "/api/v1/trends/statuses",
      "/api/v1/trends/links",
      "/api/v1/featured_tags",
      "/api/v1/featured_tags/suggestions",
      "/api/v1/announcements",
      `/api/v1/accounts/${alice.account.id}/featured_tags`,
      "/api/v1/followed_tags",
      "/api/v1/custom_emojis",
      "/api/v1/blocks",
      "/api/v1/mutes",
      "/api/v1/domain_blocks",
      "/api/v1/follow_requests",
      "/api/v1/lists",
      "/api/v1/filters",
      "/api/v2/filters",
    ]) {
      const response = await cid.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.json(), path).toEqual([]);
    }
    const preferences = await alice.client.v1.preferences.fetch();
    expect(preferences).toMatchObject({ "posting:default:visibility": "unlisted", "posting:default:sensitive": true, "posting:default:language": "en" });
    const directory = (await (await fetch(`${home.url}/api/v1/directory?local=true&order=new`)).json()) as Array<{ username: string }>;
    expect(directory.map((account) => account.username)).toContain("bea");
    expect((await fetch(`${home.url}/api/v1/directory?order=sideways`)).status).toBe(422);
  });
});
