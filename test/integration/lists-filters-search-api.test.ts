import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreEvent } from "../../server/core/events.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { addLocalAccount, apiUser, type ApiUser, jsonBody, statusOf } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

describe("lists, filters, reports, tags and search through the client API", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bea: ApiUser;
  let cid: ApiUser;
  const events: CoreEvent[] = [];

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bea = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bea"));
    cid = await apiUser(home.core, home.url, await addLocalAccount(home.core, "cid"));
    home.core.events.subscribe((event) => events.push(event));
  });
  afterAll(() => group?.close());

  it("creates, renames and deletes lists, and keeps them to their owner", async () => {
    const list = await alice.client.v1.lists.create({ title: "Tea party", repliesPolicy: "followed" } as Parameters<typeof alice.client.v1.lists.create>[0]);
    expect(list).toEqual({ id: expect.stringMatching(/^\d{18}$/), title: "Tea party", repliesPolicy: "followed", exclusive: false });
    const renamed = await alice.client.v1.lists.$select(list.id).update({ title: "Mad tea party", exclusive: true });
    expect(renamed).toMatchObject({ title: "Mad tea party", repliesPolicy: "followed", exclusive: true });
    expect((await alice.client.v1.lists.list()).map((item) => item.title)).toEqual(["Mad tea party"]);

    expect(await statusOf(alice.client.v1.lists.create({ title: "  " }))).toBe(422);
    expect((await alice.request("/api/v1/lists", jsonBody("POST", { title: "x", replies_policy: "everyone" }))).status).toBe(422);
    // Someone else's list is as absent as one that never was.
    expect(await statusOf(bea.client.v1.lists.$select(list.id).fetch())).toBe(404);
    expect(await statusOf(bea.client.v1.lists.$select(list.id).remove())).toBe(404);
    expect(await bea.client.v1.lists.list()).toEqual([]);

    await alice.client.v1.lists.$select(list.id).remove();
    expect(await statusOf(alice.client.v1.lists.$select(list.id).fetch())).toBe(404);
  });

  it("holds only followed accounts, once each, and loses them when the follow ends", async () => {
    const list = await alice.client.v1.lists.create({ title: "Friends" });
    const members = alice.client.v1.lists.$select(list.id).accounts;
    expect(await statusOf(members.create({ accountIds: [bea.account.id] }))).toBe(404);

    await alice.client.v1.accounts.$select(bea.account.id).follow();
    await alice.client.v1.accounts.$select(cid.account.id).follow();
    await members.create({ accountIds: [bea.account.id, cid.account.id] });
    const duplicate = await alice.request(`/api/v1/lists/${list.id}/accounts`, jsonBody("POST", { account_ids: [bea.account.id] }));
    expect(duplicate.status).toBe(422);
    expect(await duplicate.json()).toEqual({ error: "Validation failed: Account has already been taken" });

    expect((await members.list()).map((account) => account.username).sort()).toEqual(["bea", "cid"]);
    const firstPage = await alice.request(`/api/v1/lists/${list.id}/accounts?limit=1`);
    expect(((await firstPage.json()) as unknown[]).length).toBe(1);
    expect(firstPage.headers.get("link")).toMatch(/rel="next"/);
    const everyone = await alice.request(`/api/v1/lists/${list.id}/accounts?limit=0`);
    expect(((await everyone.json()) as unknown[]).length).toBe(2);
    expect(everyone.headers.get("link")).toBeNull();
    expect((await alice.client.v1.accounts.$select(bea.account.id).lists.list()).map((item) => item.id)).toEqual([list.id]);

    // masto sends the removal as a JSON body on DELETE.
    await members.remove({ accountIds: [cid.account.id] });
    expect((await members.list()).map((account) => account.username)).toEqual(["bea"]);
    await alice.client.v1.accounts.$select(bea.account.id).unfollow();
    expect(await members.list()).toEqual([]);
    expect(await alice.client.v1.accounts.$select(bea.account.id).lists.list()).toEqual([]);
  });

  it("keeps v2 filters with keywords in either of Rails' forms, and tells open clients of each change", async () => {
    events.length = 0;
    const filter = await alice.client.v2.filters.create({
      title: "Spoilers",
      context: ["home", "public"],
      filterAction: "hide",
      expiresIn: 3600,
      keywordsAttributes: [{ keyword: "ending", wholeWord: true }, { keyword: "twist", wholeWord: false }],
    });
    expect(filter).toMatchObject({ title: "Spoilers", context: ["home", "public"], filterAction: "hide", statuses: [] });
    expect(filter.keywords.map((keyword) => [keyword.keyword, keyword.wholeWord])).toEqual([
      ["ending", true],
      ["twist", false],
    ]);
    expect(Date.parse(filter.expiresAt ?? "") - Date.now()).toBeGreaterThan(3500_000);
    expect(events).toContainEqual({ type: "filters.changed", accountId: alice.account.id });

    // A form with repeated `keywords_attributes[][...]` keys: a repeated key starts the next keyword.
    const form = new URLSearchParams();
    form.append("title", "Sports");
    form.append("context[]", "notifications");
    form.append("keywords_attributes[][keyword]", "football");
    form.append("keywords_attributes[][whole_word]", "false");
    form.append("keywords_attributes[][keyword]", "cricket");
    const created = await alice.request("/api/v2/filters", { method: "POST", body: form });
    expect(created.status).toBe(200);
    const sports = (await created.json()) as { id: string; filter_action: string; keywords: Array<{ id: string; keyword: string; whole_word: boolean }> };
    expect(sports.filter_action).toBe("warn");
    expect(sports.keywords.map((keyword) => [keyword.keyword, keyword.whole_word])).toEqual([
      ["football", false],
      ["cricket", true],
    ]);

    const football = sports.keywords[0];
    const updated = await alice.client.v2.filters.$select(sports.id).update({
      context: ["notifications", "thread"],
      keywordsAttributes: [{ id: football?.id ?? "", _destroy: true }, { keyword: "tennis" }] as never,
    });
    expect(updated.context).toEqual(["notifications", "thread"]);
    expect(updated.keywords.map((keyword) => keyword.keyword)).toEqual(["cricket", "tennis"]);

    const keyword = await alice.client.v2.filters.$select(sports.id).keywords.create({ keyword: "golf", wholeWord: false });
    expect(await alice.client.v2.filters.keywords.$select(keyword.id).fetch()).toMatchObject({ keyword: "golf", wholeWord: false });
    expect((await alice.client.v2.filters.keywords.$select(keyword.id).update({ keyword: "mini golf" })).keyword).toBe("mini golf");
    await alice.client.v2.filters.keywords.$select(keyword.id).remove();
    expect((await alice.client.v2.filters.$select(sports.id).keywords.list()).map((item) => item.keyword)).toEqual(["cricket", "tennis"]);

    // Another account sees none of it; bad input is refused with a sentence.
    expect(await statusOf(bea.client.v2.filters.$select(sports.id).fetch())).toBe(404);
    expect(await statusOf(bea.client.v2.filters.keywords.$select(keyword.id).fetch())).toBe(404);
    expect((await alice.request("/api/v2/filters", jsonBody("POST", { title: "x", context: ["everywhere"] }))).status).toBe(422);
    expect((await alice.request("/api/v2/filters", jsonBody("POST", { title: "x", context: ["home"], filter_action: "explode" }))).status).toBe(422);

    await alice.client.v2.filters.$select(filter.id).remove();
    expect((await alice.client.v2.filters.list()).map((item) => item.title)).toEqual(["Sports"]);
  });

  it("answers the v1 filters API from the v2 filters, one v1 filter per keyword", async () => {
    const v1 = await alice.client.v1.filters.create({ phrase: "cliffhanger", context: ["home"], irreversible: true, wholeWord: false });
    expect(v1).toMatchObject({ phrase: "cliffhanger", context: ["home"], irreversible: true, wholeWord: false, expiresAt: null });
    const asV2 = (await alice.client.v2.filters.list()).find((item) => item.title === "cliffhanger");
    expect(asV2).toMatchObject({ filterAction: "hide", keywords: [{ id: v1.id, keyword: "cliffhanger", wholeWord: false }] });

    const phrases = (await alice.client.v1.filters.list()).map((item) => item.phrase).sort();
    expect(phrases).toEqual(["cliffhanger", "cricket", "tennis"]);
    expect((await alice.client.v1.filters.$select(v1.id).update({ phrase: "cliff", context: ["public"] })).context).toEqual(["public"]);

    // A v1 change to a filter that has other keywords would reach them too: refused.
    const cricket = (await alice.client.v1.filters.list()).find((item) => item.phrase === "cricket");
    const refused = await alice.request(`/api/v1/filters/${cricket?.id}`, jsonBody("PUT", { context: ["home"] }));
    expect(refused.status).toBe(422);

    await alice.client.v1.filters.$select(v1.id).remove();
    expect(await statusOf(alice.client.v1.filters.$select(v1.id).fetch())).toBe(404);
  });

  it("filters chosen statuses, and marks matches in the Status entity", async () => {
    const post = await postStatus(home.core, { accountId: bea.account.id, text: "The butler did it: what an ending!", visibility: "public" }, { origin: home.url });
    const filter = await alice.client.v2.filters.create({ title: "Mysteries", context: ["public"], keywordsAttributes: [{ keyword: "butler" }] });
    const filtered = await alice.client.v2.filters.$select(filter.id).statuses.create({ statusId: post.id });
    expect(filtered.statusId).toBe(post.id);
    expect((await alice.client.v2.filters.statuses.$select(filtered.id).fetch()).statusId).toBe(post.id);
    expect((await alice.request(`/api/v2/filters/${filter.id}/statuses`, jsonBody("POST", { status_id: "123456789012345678" }))).status).toBe(404);

    const found = await alice.client.v2.search.list({ q: "butler", type: "statuses" });
    expect(found.statuses.map((status) => status.id)).toEqual([post.id]);
    const result = found.statuses[0]?.filtered?.find((match) => match.filter.id === filter.id);
    expect(result).toMatchObject({ keywordMatches: ["butler"], statusMatches: [post.id] });

    await alice.client.v2.filters.statuses.$select(filtered.id).remove();
    expect(await alice.client.v2.filters.$select(filter.id).statuses.list()).toEqual([]);
    await alice.client.v2.filters.$select(filter.id).remove();
  });

  it("searches statuses by their words among what the viewer may see, and hashtags by their start", async () => {
    const open = await postStatus(home.core, { accountId: cid.account.id, text: "Painting the roses red #gardening", visibility: "public" }, { origin: home.url });
    const secret = await postStatus(home.core, { accountId: cid.account.id, text: "Secret roses for followers", visibility: "private" }, { origin: home.url });

    const asBea = await bea.client.v2.search.list({ q: "roses", type: "statuses" });
    expect(asBea.statuses.map((status) => status.id)).toEqual([open.id]);
    // By address: our own status page is found as that status, only by those who may see it.
    const secretUrl = `${home.url}/@cid/${secret.id}`;
    expect((await bea.client.v2.search.list({ q: secretUrl })).statuses).toEqual([]);
    expect((await bea.client.v2.search.list({ q: `${home.url}/users/cid/statuses/${open.id}` })).statuses.map((status) => status.id)).toEqual([open.id]);
    await bea.client.v1.accounts.$select(cid.account.id).follow();
    expect((await bea.client.v2.search.list({ q: secretUrl })).statuses.map((status) => status.id)).toEqual([secret.id]);
    const asFollower = await bea.client.v2.search.list({ q: "roses", type: "statuses" });
    expect(asFollower.statuses.map((status) => status.id)).toEqual([secret.id, open.id]);
    // The author's own words can be searched by account too; FTS syntax in the query is taken literally.
    expect((await cid.client.v2.search.list({ q: 'roses" OR "butler', type: "statuses" })).statuses).toEqual([]);
    expect((await bea.client.v2.search.list({ q: "roses", type: "statuses", accountId: alice.account.id })).statuses).toEqual([]);
    // Anonymous search has no statuses.
    const anonymous = (await (await fetch(`${home.url}/api/v2/search?q=roses`)).json()) as { statuses: unknown[] };
    expect(anonymous.statuses).toEqual([]);


    const tags = await bea.client.v2.search.list({ q: "#garden", type: "hashtags" });
    expect(tags.hashtags.map((tag) => tag.name)).toEqual(["gardening"]);
    expect(tags.hashtags[0]?.history).toHaveLength(7);
    expect(tags.hashtags[0]?.history?.[0]).toMatchObject({ uses: "1", accounts: "1" });
    expect(tags.hashtags[0]?.following).toBe(false);
  });

  it("follows hashtags and lists them, Link-paged", async () => {
    const followed = await bea.client.v1.tags.$select("gardening").follow();
    expect(followed).toMatchObject({ name: "gardening", following: true });
    // A tag no one has used yet can be followed too.
    expect((await bea.client.v1.tags.$select("Croquet").follow()).name).toBe("Croquet");
    const first = await bea.request("/api/v1/followed_tags?limit=1");
    expect(((await first.json()) as Array<{ name: string }>).map((tag) => tag.name)).toEqual(["Croquet"]);
    expect(first.headers.get("link")).toMatch(/max_id=\d{18}/);
    expect((await bea.client.v1.tags.$select("gardening").unfollow()).following).toBe(false);
    expect((await bea.client.v1.followedTags.list()).map((tag) => tag.name)).toEqual(["Croquet"]);
    // A hashtag nobody used yet still has a page to follow it from, as on Mastodon; a name that is no hashtag has not.
    expect(await bea.client.v1.tags.$select("NoSuchTag").fetch()).toMatchObject({ name: "NoSuchTag", history: [], following: false });
    expect(await home.core.db.selectFrom("tags").select("id").where("name", "=", "nosuchtag").execute()).toEqual([]);
    expect(await statusOf(bea.client.v1.tags.$select("not a tag").fetch())).toBe(404);
    expect((await bea.request("/api/v1/tags/not%20a%20tag/follow", { method: "POST" })).status).toBe(422);
  });

  it("files reports: stored for the owner, statuses checked to be the reported account's", async () => {
    const post = await postStatus(home.core, { accountId: cid.account.id, text: "Off with their heads!", visibility: "public" }, { origin: home.url });
    const report = await bea.client.v1.reports.create({ accountId: cid.account.id, statusIds: [post.id], comment: "Threats", forward: true, category: "violation" });
    expect(report).toMatchObject({ actionTaken: false, category: "violation", comment: "Threats", forwarded: false, statusIds: [post.id] });
    expect(report.targetAccount.id).toBe(cid.account.id);
    const notifications = await home.core.db
      .selectFrom("notifications")
      .select(["type", "from_account_id", "report_id"])
      .where("account_id", "=", alice.account.id)
      .where("type", "=", "admin.report")
      .execute();
    expect(notifications).toEqual([{ type: "admin.report", from_account_id: bea.account.id, report_id: report.id }]);

    const otherPost = await postStatus(home.core, { accountId: bea.account.id, text: "Mine", visibility: "public" }, { origin: home.url });
    expect(await statusOf(bea.client.v1.reports.create({ accountId: cid.account.id, statusIds: [otherPost.id] }))).toBe(404);
    expect(await statusOf(bea.client.v1.reports.create({ accountId: "123456789012345678" }))).toBe(404);
    expect((await bea.request("/api/v1/reports", jsonBody("POST", { account_id: cid.account.id, comment: "z".repeat(1001) }))).status).toBe(422);
    const readOnly = await apiUser(home.core, home.url, bea.account, ["read"]);
    expect(await statusOf(readOnly.client.v1.reports.create({ accountId: cid.account.id }))).toBe(403);
  });
});
