import type { mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followAccount } from "../../server/core/relationships/follows.ts";
import { addLocalAccount, apiUser, type ApiUser, errorOf, jsonBody, parseLink, statusOf } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/** The HTTP status a masto call ended with (200 when it succeeded). */
/** The error sentence of a masto call that failed. */
describe("statuses API: posting, reading, acting, editing and deleting through a real client", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;
  let carol: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    carol = await apiUser(home.core, home.url, await addLocalAccount(home.core, "carol"));
    // Bob follows Alice; Carol follows no one.
    await followAccount(home.core, bob.account.id, alice.account.id, { origin: home.url });
  });
  afterAll(() => group?.close());

  it("posts with a poll, a content warning and a mention, and every reader sees the same status", async () => {
    const posted = await alice.client.v1.statuses.create({
      status: "Tea at four, @bob? #TeaTime https://example.com/a/rather/long/path/to/the/invitation",
      spoilerText: "party planning",
      visibility: "public",
      language: "en",
      poll: { options: ["Yes", "No"], expiresIn: 3600, multiple: false },
    });
    expect(posted.spoilerText).toBe("party planning");
    expect(posted.visibility).toBe("public");
    expect(posted.language).toBe("en");
    expect(posted.content).toContain(`<span class="h-card" translate="no"><a href="${home.url}/@bob" class="u-url mention">@<span>bob</span></a></span>`);
    expect(posted.content).toContain(`<a href="${home.url}/tags/teatime" class="mention hashtag" rel="tag">#<span>TeaTime</span></a>`);
    expect(posted.content).toContain('rel="nofollow noopener noreferrer"');
    expect(posted.mentions).toEqual([{ id: bob.account.id, username: "bob", acct: "bob", url: `${home.url}/@bob` }]);
    expect(posted.tags).toEqual([{ name: "teatime", url: `${home.url}/tags/teatime` }]);
    expect(posted.poll?.options).toEqual([
      { title: "Yes", votesCount: 0 },
      { title: "No", votesCount: 0 },
    ]);
    expect(posted.poll?.expired).toBe(false);
    expect(posted.uri).toBe(`${home.url}/users/alice/statuses/${posted.id}`);
    expect(posted.url).toBe(`${home.url}/@alice/${posted.id}`);
    expect(posted.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(posted.application?.name).toBe("Hearth command line");

    const seenByBob = await bob.client.v1.statuses.$select(posted.id).fetch();
    expect(seenByBob.content).toBe(posted.content);
    expect(seenByBob.favourited).toBe(false);
    const anonymous = await fetch(`${home.url}/api/v1/statuses/${posted.id}`);
    expect(anonymous.status).toBe(200);
    const anonymousBody = (await anonymous.json()) as Record<string, unknown>;
    expect(anonymousBody.id).toBe(posted.id);
    // An anonymous reader gets no viewer flags, as on Mastodon.
    expect(anonymousBody).not.toHaveProperty("favourited");
  });

  it("shows a post in the author's and followers' home, the public timelines and the profile, but not in a stranger's home", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Morning, everyone" });
    const idsOf = (statuses: mastodon.v1.Status[]) => statuses.map((status) => status.id);
    expect(idsOf(await alice.client.v1.timelines.home.list())).toContain(posted.id);
    expect(idsOf(await bob.client.v1.timelines.home.list())).toContain(posted.id);
    expect(idsOf(await carol.client.v1.timelines.home.list())).not.toContain(posted.id);
    expect(idsOf(await carol.client.v1.timelines.public.list({ local: true }))).toContain(posted.id);
    expect(idsOf(await carol.client.v1.timelines.public.list({ remote: true }))).not.toContain(posted.id);
    expect(idsOf(await carol.client.v1.accounts.$select(alice.account.id).statuses.list())).toContain(posted.id);
    const anonymousPublic = (await (await fetch(`${home.url}/api/v1/timelines/public`)).json()) as Array<{ id: string }>;
    expect(anonymousPublic.map((status) => status.id)).toContain(posted.id);
  });

  it("reads hashtag timelines with any, all and none", async () => {
    const both = await alice.client.v1.statuses.create({ status: "#cats and #dogs" });
    const cats = await bob.client.v1.statuses.create({ status: "only #Cats" });
    const birds = await bob.client.v1.statuses.create({ status: "#birds" });
    await alice.client.v1.statuses.create({ status: "#cats but followers only", visibility: "private" });
    const tag = (name: string, params: Record<string, unknown> = {}) =>
      carol.client.v1.timelines.tag.$select(name).list(params).then((statuses) => statuses.map((status) => status.id));
    expect(await tag("cats")).toEqual([cats.id, both.id]);
    expect(await tag("CATS")).toEqual([cats.id, both.id]);
    expect(await tag("cats", { all: ["dogs"] })).toEqual([both.id]);
    expect(await tag("cats", { none: ["dogs"] })).toEqual([cats.id]);
    expect(await tag("cats", { any: ["birds", "dogs"] })).toEqual([birds.id, cats.id, both.id]);
    expect(await tag("nothing-here")).toEqual([]);
  });

  it("favourites, boosts and bookmarks, with counts, lists of who did it, and undo", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Boost me" });
    const favourited = await bob.client.v1.statuses.$select(posted.id).favourite();
    expect(favourited.favourited).toBe(true);
    expect(favourited.favouritesCount).toBe(1);
    const boost = await bob.client.v1.statuses.$select(posted.id).reblog();
    expect(boost.reblog?.id).toBe(posted.id);
    expect(boost.reblog?.reblogged).toBe(true);
    expect(boost.reblog?.reblogsCount).toBe(1);
    // Boosting twice answers the same boost.
    expect((await bob.client.v1.statuses.$select(posted.id).reblog()).id).toBe(boost.id);
    await bob.client.v1.statuses.$select(posted.id).bookmark();

    expect((await alice.client.v1.statuses.$select(posted.id).favouritedBy.list()).map((account) => account.id)).toEqual([bob.account.id]);
    expect((await alice.client.v1.statuses.$select(posted.id).rebloggedBy.list()).map((account) => account.id)).toEqual([bob.account.id]);
    expect((await bob.client.v1.bookmarks.list()).map((status) => status.id)).toContain(posted.id);
    expect((await bob.client.v1.favourites.list()).map((status) => status.id)).toContain(posted.id);
    // The boost is on Bob's profile.
    expect((await carol.client.v1.accounts.$select(bob.account.id).statuses.list()).map((status) => status.reblog?.id)).toContain(posted.id);

    const unfavourited = await bob.client.v1.statuses.$select(posted.id).unfavourite();
    expect(unfavourited.favourited).toBe(false);
    expect(unfavourited.favouritesCount).toBe(0);
    const unboosted = await bob.client.v1.statuses.$select(posted.id).unreblog();
    expect(unboosted.id).toBe(posted.id);
    expect(unboosted.reblogged).toBe(false);
    expect(await statusOf(bob.client.v1.statuses.$select(boost.id).fetch())).toBe(404);
    await bob.client.v1.statuses.$select(posted.id).unbookmark();
    expect((await bob.client.v1.bookmarks.list()).map((status) => status.id)).not.toContain(posted.id);
  });

  it("pins only the author's own public statuses, five at most", async () => {
    const own = await alice.client.v1.statuses.create({ status: "Pin me" });
    const pinned = await alice.client.v1.statuses.$select(own.id).pin();
    expect(pinned.pinned).toBe(true);
    expect((await carol.client.v1.accounts.$select(alice.account.id).statuses.list({ pinned: true })).map((status) => status.id)).toEqual([own.id]);
    const others = await errorOf(bob.client.v1.statuses.$select(own.id).pin());
    expect(others.status).toBe(422);
    const secret = await alice.client.v1.statuses.create({ status: "only followers", visibility: "private" });
    expect((await errorOf(alice.client.v1.statuses.$select(secret.id).pin())).message).toBe("Only public and unlisted statuses can be pinned.");
    for (let n = 0; n < 4; n++) await alice.client.v1.statuses.$select((await alice.client.v1.statuses.create({ status: `pin ${n}` })).id).pin();
    const sixth = await alice.client.v1.statuses.create({ status: "one too many" });
    expect((await errorOf(alice.client.v1.statuses.$select(sixth.id).pin())).message).toBe("You can pin at most 5 statuses; unpin one first.");
    expect((await alice.client.v1.statuses.$select(own.id).unpin()).pinned).toBe(false);
  });

  it("edits keep a history and a source; deleting answers the source for a redraft", async () => {
    const posted = await alice.client.v1.statuses.create({ status: "Frist post", spoilerText: "" });
    const boost = await bob.client.v1.statuses.$select(posted.id).reblog();
    const edited = await alice.client.v1.statuses.$select(posted.id).update({ status: "First post, #fixed", spoilerText: "typo" });
    expect(edited.editedAt).not.toBeNull();
    expect(edited.content).toContain("First post");
    expect(edited.tags.map((tag) => tag.name)).toEqual(["fixed"]);

    const history = await bob.client.v1.statuses.$select(posted.id).history.list();
    expect(history.map((version) => version.content)).toEqual(["<p>Frist post</p>", edited.content]);
    expect(history.map((version) => version.spoilerText)).toEqual(["", "typo"]);
    expect(history[0]?.account.id).toBe(alice.account.id);
    expect(await alice.client.v1.statuses.$select(posted.id).source.fetch()).toEqual({ id: posted.id, text: "First post, #fixed", spoilerText: "typo" });
    // Only the author reads the source.
    expect(await statusOf(bob.client.v1.statuses.$select(posted.id).source.fetch())).toBe(404);
    // Bob boosted it, so he hears of the edit.
    const updates = await bob.client.v1.notifications.list({ types: ["update"] });
    expect(updates.map((notification) => notification.status?.id)).toContain(posted.id);

    const deleted = await alice.client.v1.statuses.$select(posted.id).remove();
    expect(deleted.id).toBe(posted.id);
    expect(deleted.text).toBe("First post, #fixed");
    expect(await statusOf(alice.client.v1.statuses.$select(posted.id).fetch())).toBe(404);
    // Its boosts went with it.
    expect(await statusOf(bob.client.v1.statuses.$select(boost.id).fetch())).toBe(404);
    // Someone else's status cannot be edited or deleted.
    const bobs = await bob.client.v1.statuses.create({ status: "mine" });
    expect(await statusOf(alice.client.v1.statuses.$select(bobs.id).remove())).toBe(404);
    expect(await statusOf(alice.client.v1.statuses.$select(bobs.id).update({ status: "theirs" }))).toBe(404);
  });

  it("threads replies: the context gives ancestors and descendants", async () => {
    const root = await alice.client.v1.statuses.create({ status: "Root" });
    const reply = await bob.client.v1.statuses.create({ status: "@alice reply", inReplyToId: root.id });
    const nested = await alice.client.v1.statuses.create({ status: "@bob nested", inReplyToId: reply.id });
    const sibling = await carol.client.v1.statuses.create({ status: "@alice sibling", inReplyToId: root.id });
    expect(reply.inReplyToId).toBe(root.id);
    expect(reply.inReplyToAccountId).toBe(alice.account.id);

    const rootContext = await carol.client.v1.statuses.$select(root.id).context.fetch();
    expect(rootContext.ancestors).toEqual([]);
    // Depth first: a reply's replies come before its next sibling.
    expect(rootContext.descendants.map((status) => status.id)).toEqual([reply.id, nested.id, sibling.id]);
    const nestedContext = await carol.client.v1.statuses.$select(nested.id).context.fetch();
    expect(nestedContext.ancestors.map((status) => status.id)).toEqual([root.id, reply.id]);
    expect((await alice.client.v1.statuses.$select(root.id).fetch()).repliesCount).toBe(2);
  });

  it("answers the first status again for a retried request with the same Idempotency-Key", async () => {
    const requestInit = { headers: { "Idempotency-Key": "compose-42" } };
    const first = await alice.client.v1.statuses.create({ status: "Only once" }, { requestInit });
    const again = await alice.client.v1.statuses.create({ status: "Only once" }, { requestInit });
    expect(again.id).toBe(first.id);
    // Another account's key is its own.
    const bobs = await bob.client.v1.statuses.create({ status: "Only once" }, { requestInit });
    expect(bobs.id).not.toBe(first.id);
  });

  it("keeps private statuses to followers and direct ones to those mentioned", async () => {
    const secret = await alice.client.v1.statuses.create({ status: "for my followers", visibility: "private" });
    expect(await statusOf(bob.client.v1.statuses.$select(secret.id).fetch())).toBe(200);
    expect(await statusOf(carol.client.v1.statuses.$select(secret.id).fetch())).toBe(404);
    expect((await fetch(`${home.url}/api/v1/statuses/${secret.id}`)).status).toBe(404);
    expect((await carol.client.v1.accounts.$select(alice.account.id).statuses.list()).map((status) => status.id)).not.toContain(secret.id);
    expect((await bob.client.v1.accounts.$select(alice.account.id).statuses.list()).map((status) => status.id)).toContain(secret.id);
    expect((await carol.client.v1.timelines.public.list()).map((status) => status.id)).not.toContain(secret.id);
    // A private status cannot be boosted by others.
    expect((await errorOf(bob.client.v1.statuses.$select(secret.id).reblog())).status).toBe(422);

    const direct = await alice.client.v1.statuses.create({ status: "@carol just for you", visibility: "direct" });
    expect(await statusOf(carol.client.v1.statuses.$select(direct.id).fetch())).toBe(200);
    // Bob follows Alice but is not addressed.
    expect(await statusOf(bob.client.v1.statuses.$select(direct.id).fetch())).toBe(404);
    expect((await bob.client.v1.timelines.home.list()).map((status) => status.id)).not.toContain(direct.id);
    expect((await carol.client.v1.timelines.home.list()).map((status) => status.id)).toContain(direct.id);
    const conversations = await carol.client.v1.conversations.list();
    expect(conversations[0]?.lastStatus?.id).toBe(direct.id);
    expect(conversations[0]?.unread).toBe(true);
    expect(conversations[0]?.accounts.map((account) => account.id)).toEqual([alice.account.id]);
    // Interactions on what one cannot see are refused as if it did not exist.
    expect(await statusOf(bob.client.v1.statuses.$select(direct.id).favourite())).toBe(404);
    expect(await statusOf(bob.client.v1.statuses.$select(direct.id).context.fetch())).toBe(404);
  });

  it("refuses bad input with 422 and a sentence, unknown ids with 404, missing scopes with 403", async () => {
    const create = (body: unknown) => alice.request("/api/v1/statuses", jsonBody("POST", body));
    const refusal = async (body: unknown) => {
      const response = await create(body);
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    expect(await refusal({ status: "   " })).toEqual({ status: 422, error: "The status is empty: write something, or attach media." });
    expect(await refusal({ status: "x".repeat(501) })).toEqual({ status: 422, error: "The status is too long: 501 characters where 500 are allowed." });
    // A link counts as 23 characters whatever its length.
    expect((await create({ status: `${"x".repeat(470)} https://example.com/${"y".repeat(100)}` })).status).toBe(200);
    expect(await refusal({ status: "Pick one", poll: { options: ["Only"], expires_in: 600 } })).toEqual({ status: 422, error: "A poll needs at least 2 options." });
    expect(await refusal({ status: "Hi", visibility: "everyone" })).toEqual({
      status: 422,
      error: '"everyone" is not a visibility; use public, unlisted, private or direct.',
    });
    expect((await refusal({ status: "Soon", poll: { options: ["a", "b"], expires_in: 10 } })).error).toBe("A poll must run for at least 5 minutes.");
    expect((await refusal({ status: "Look", media_ids: ["123456789012345678"] })).error).toBe("There is no media attachment 123456789012345678 of yours to attach.");
    expect((await create({ status: "reply", in_reply_to_id: "999999999999999999" })).status).toBe(404);

    expect(await statusOf(alice.client.v1.statuses.$select("999999999999999999").fetch())).toBe(404);
    expect(await statusOf(alice.client.v1.statuses.$select("not-an-id").fetch())).toBe(404);
    expect(await statusOf(alice.client.v1.statuses.$select("999999999999999999").favourite())).toBe(404);

    const readOnly = await apiUser(home.core, home.url, alice.account, ["read"]);
    expect((await readOnly.request("/api/v1/statuses", jsonBody("POST", { status: "nope" }))).status).toBe(403);
    const noNotifications = await apiUser(home.core, home.url, alice.account, ["read:statuses", "write:statuses"]);
    expect((await noNotifications.request("/api/v1/notifications")).status).toBe(403);
    expect((await noNotifications.request("/api/v1/timelines/home")).status).toBe(200);
    const favouritesOnly = await apiUser(home.core, home.url, bob.account, ["write:favourites"]);
    const target = await alice.client.v1.statuses.create({ status: "like me" });
    expect((await favouritesOnly.request(`/api/v1/statuses/${target.id}/favourite`, { method: "POST" })).status).toBe(200);
    expect((await favouritesOnly.request(`/api/v1/statuses/${target.id}/reblog`, { method: "POST" })).status).toBe(403);
    // A token sent on a public read must carry the scope.
    const pushOnly = await apiUser(home.core, home.url, alice.account, ["push"]);
    expect((await pushOnly.request(`/api/v1/statuses/${target.id}`)).status).toBe(403);
    expect((await fetch(`${home.url}/api/v1/timelines/home`)).status).toBe(401);
  });

  it("pages with Link headers, honouring max_id, since_id and min_id exactly", async () => {
    const author = await apiUser(home.core, home.url, await addLocalAccount(home.core, "pager"));
    const posted: string[] = [];
    for (let n = 1; n <= 7; n++) posted.push((await author.client.v1.statuses.create({ status: `post ${n}` })).id);
    const newestFirst = [...posted].reverse();
    const path = `/api/v1/accounts/${author.account.id}/statuses`;
    const page = async (url: string) => {
      const response = await author.request(url.replace(home.url, ""));
      expect(response.status).toBe(200);
      return { ids: ((await response.json()) as Array<{ id: string }>).map((status) => status.id), links: parseLink(response.headers.get("link")) };
    };

    const first = await page(`${path}?limit=3`);
    expect(first.ids).toEqual(newestFirst.slice(0, 3));
    expect(first.links.next).toBe(`${home.url}${path}?limit=3&max_id=${newestFirst[2]}`);
    const second = await page(first.links.next!);
    expect(second.ids).toEqual(newestFirst.slice(3, 6));
    const third = await page(second.links.next!);
    expect(third.ids).toEqual(newestFirst.slice(6));
    // A page shorter than its limit is the last: Mastodon offers no next, so clients stop there.
    expect(third.links.next).toBeUndefined();
    const beyond = await page(`${path}?limit=3&max_id=${newestFirst[6]}`);
    expect(beyond.ids).toEqual([]);
    expect(beyond.links).toEqual({});
    // prev from the second page is the page just newer than it: the first page again.
    expect((await page(second.links.prev!)).ids).toEqual(newestFirst.slice(0, 3));

    // max_id excludes itself; since_id gives the newest above it; min_id the oldest above it, newest first.
    expect((await page(`${path}?max_id=${posted[3]}&limit=2`)).ids).toEqual([posted[2], posted[1]]);
    expect((await page(`${path}?since_id=${posted[1]}&limit=2`)).ids).toEqual([posted[6], posted[5]]);
    expect((await page(`${path}?min_id=${posted[1]}&limit=2`)).ids).toEqual([posted[3], posted[2]]);
    expect((await page(`${path}?since_id=${posted[2]}&max_id=${posted[5]}`)).ids).toEqual([posted[4], posted[3]]);
    // The same through masto's paginator, which follows the Link header itself until a page offers no next
    // (one shorter than its limit), as it does on Mastodon.
    const pages: string[][] = [];
    for await (const statuses of author.client.v1.accounts.$select(author.account.id).statuses.list({ limit: 4 })) pages.push(statuses.map((status) => status.id));
    expect(pages).toEqual([newestFirst.slice(0, 4), newestFirst.slice(4)]);
  });

  it("reads several statuses at once, leaving out unknown and hidden ones", async () => {
    const open = await alice.client.v1.statuses.create({ status: "open" });
    const hidden = await alice.client.v1.statuses.create({ status: "hidden", visibility: "private" });
    const response = await carol.request(`/api/v1/statuses?id[]=${hidden.id}&id[]=${open.id}&id[]=999999999999999999`);
    expect(((await response.json()) as Array<{ id: string }>).map((status) => status.id)).toEqual([open.id]);
    const both = await alice.request(`/api/v1/statuses?id[]=${hidden.id}&id[]=${open.id}`);
    // In the order asked.
    expect(((await both.json()) as Array<{ id: string }>).map((status) => status.id)).toEqual([hidden.id, open.id]);
  });
});
