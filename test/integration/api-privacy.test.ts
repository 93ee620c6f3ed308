import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followAccount } from "../../server/core/relationships/follows.ts";
import { loadPushNotificationFacts } from "../../server/core/notifications/push-subscriptions.ts";
import { upsertRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { recordRemoteAnnounce } from "../../server/core/interactions/remote-interactions.ts";
import { recordRemoteStatus } from "../../server/core/statuses/remote-statuses.ts";
import { findAccessToken, issueAccessToken, revokeAccessToken } from "../../server/core/auth/tokens.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { openRawStream } from "../helpers/stream-reader.ts";

/**
 * Issue #4's "no request can read another local account's private data", between the local accounts of one
 * Hearth: Alice (the owner), Bob (a member who follows her) and Carol (a member who follows no one). Every
 * read of Alice's private and direct statuses, and every id of Bob's own objects, is tried as Carol.
 */
describe("client API privacy between local accounts", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let alice: ApiUser;
  let bob: ApiUser;
  let carol: ApiUser;
  /** Alice's followers-only status (with a poll and a hashtag), her direct one to Bob, and her boost of the private one. */
  let privateId: string;
  let directId: string;
  let privateBoostId: string;
  let pollId: string;

  async function codeOf(user: ApiUser | null, path: string, init: RequestInit = {}): Promise<number> {
    const response = user ? await user.request(path, init) : await fetch(`${home.url}${path}`, init);
    await response.arrayBuffer();
    return response.status;
  }

  async function jsonOf<T>(user: ApiUser, path: string, init: RequestInit = {}): Promise<T> {
    const response = await user.request(path, init);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
    alice = await apiUser(home.core, home.url, home.owner);
    bob = await apiUser(home.core, home.url, await addLocalAccount(home.core, "bob"));
    carol = await apiUser(home.core, home.url, await addLocalAccount(home.core, "carol"));
    await followAccount(home.core, bob.account.id, alice.account.id, { origin: home.url });

    const secret = await alice.client.v1.statuses.create({
      status: "Surprise party for Dave on Friday #secretplans https://example.com/",
      visibility: "private",
      poll: { options: ["Cake", "Pie"], expiresIn: 3600 },
    });
    privateId = secret.id;
    pollId = secret.poll?.id ?? "";
    directId = (await alice.client.v1.statuses.create({ status: "@bob the door code is 4711 #secretplans", visibility: "direct" })).id;
    privateBoostId = (await alice.client.v1.statuses.$select(privateId).reblog()).id;
  });
  afterAll(() => group?.close());

  it("shows the follower and the mentioned account what they may see", async () => {
    expect(await codeOf(bob, `/api/v1/statuses/${privateId}`)).toBe(200);
    expect(await codeOf(bob, `/api/v1/statuses/${directId}`)).toBe(200);
    expect(await codeOf(bob, `/api/v1/statuses/${privateBoostId}`)).toBe(200);
  });

  it("answers 404 to every read and act on a status the viewer may not see", async () => {
    for (const id of [privateId, directId, privateBoostId]) {
      for (const viewer of [carol, null]) {
        for (const path of ["", "/context", "/history", "/source", "/reblogged_by", "/favourited_by", "/card"]) {
          const expected = viewer === null && path === "/source" ? 401 : 404;
          expect(await codeOf(viewer, `/api/v1/statuses/${id}${path}`), `${viewer ? "carol" : "anonymous"} ${id}${path}`).toBe(expected);
        }
      }
      for (const act of ["favourite", "unfavourite", "bookmark", "unbookmark", "reblog", "unreblog", "pin", "unpin", "mute", "unmute"]) {
        expect(await codeOf(carol, `/api/v1/statuses/${id}/${act}`, { method: "POST" }), `${id}/${act}`).toBe(404);
      }
      expect(await codeOf(carol, `/api/v1/statuses/${id}`, jsonBody("PUT", { status: "mine now" }))).toBe(404);
      expect(await codeOf(carol, `/api/v1/statuses/${id}`, { method: "DELETE" })).toBe(404);
    }
    expect(await codeOf(carol, `/api/v1/polls/${pollId}`)).toBe(404);
    expect(await codeOf(carol, `/api/v1/polls/${pollId}/votes`, jsonBody("POST", { choices: [0] }))).toBe(404);
    // Replying to what one cannot see is refused as if it did not exist.
    expect(await codeOf(carol, "/api/v1/statuses", jsonBody("POST", { status: "reply", in_reply_to_id: directId }))).toBe(404);
  });

  it("leaves the hidden statuses out of every list of statuses", async () => {
    const hidden = new Set([privateId, directId, privateBoostId]);
    const idsIn = (statuses: Array<{ id: string; reblog?: { id: string } | null }>) => statuses.flatMap((status) => [status.id, status.reblog?.id ?? ""]);
    const pages: Array<[string, (body: unknown) => string[]]> = [
      [`/api/v1/statuses?id[]=${privateId}&id[]=${directId}&id[]=${privateBoostId}`, (body) => idsIn(body as [])],
      [`/api/v1/accounts/${alice.account.id}/statuses`, (body) => idsIn(body as [])],
      [`/api/v1/accounts/${alice.account.id}/statuses?pinned=false&exclude_replies=true`, (body) => idsIn(body as [])],
      ["/api/v1/timelines/tag/secretplans", (body) => idsIn(body as [])],
      ["/api/v1/timelines/public", (body) => idsIn(body as [])],
      ["/api/v1/timelines/public?local=true", (body) => idsIn(body as [])],
      ["/api/v1/timelines/home", (body) => idsIn(body as [])],
      ["/api/v1/bookmarks", (body) => idsIn(body as [])],
      ["/api/v1/favourites", (body) => idsIn(body as [])],
      ["/api/v1/conversations", (body) => (body as Array<{ last_status: { id: string } | null }>).map((row) => row.last_status?.id ?? "")],
      ["/api/v1/notifications", (body) => (body as Array<{ status?: { id: string } }>).map((row) => row.status?.id ?? "")],
      ["/api/v2/search?q=secretplans&type=statuses", (body) => idsIn((body as { statuses: [] }).statuses)],
      ["/api/v2/search?q=door%20code&type=statuses", (body) => idsIn((body as { statuses: [] }).statuses)],
      [`/api/v2/search?q=${encodeURIComponent(`${home.url}/@alice/${directId}`)}&resolve=true`, (body) => idsIn((body as { statuses: [] }).statuses)],
    ];
    for (const [path, ids] of pages) {
      const seen = ids(await jsonOf(carol, path));
      expect(
        seen.filter((id) => hidden.has(id)),
        path,
      ).toEqual([]);
    }
    // Bob, the follower and the one mentioned, does find them, so the queries above can fail.
    const bobSees = idsIn(await jsonOf<[]>(bob, `/api/v1/accounts/${alice.account.id}/statuses`));
    expect(bobSees).toEqual(expect.arrayContaining([privateId, directId, privateBoostId]));
  });

  it("answers 404 for another account's lists, filters, scheduled statuses, media, notifications and conversations", async () => {
    const list = await bob.client.v1.lists.create({ title: "Close friends" });
    const filter = await jsonOf<{ id: string; keywords: Array<{ id: string }> }>(
      bob,
      "/api/v2/filters",
      jsonBody("POST", { title: "Spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] }),
    );
    const filterStatus = await jsonOf<{ id: string }>(bob, `/api/v2/filters/${filter.id}/statuses`, jsonBody("POST", { status_id: privateId }));
    const keywordId = filter.keywords[0]?.id ?? "";
    const scheduled = await jsonOf<{ id: string }>(
      bob,
      "/api/v1/statuses",
      jsonBody("POST", { status: "Later", scheduled_at: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    const photo = new Uint8Array(await twoColours(32, 32).png().toBuffer());
    const upload = await bob.client.v1.media.create({ file: new Blob([photo], { type: "image/png" }) });
    const [notification] = await jsonOf<Array<{ id: string; group_key: string }>>(bob, "/api/v1/notifications");
    const [conversation] = await jsonOf<Array<{ id: string }>>(bob, "/api/v1/conversations");
    expect(notification, "Bob was mentioned, so he has a notification").toBeDefined();
    expect(conversation, "Bob was written to directly, so he has a conversation").toBeDefined();

    const others: Array<[string, RequestInit?]> = [
      [`/api/v1/lists/${list.id}`],
      [`/api/v1/lists/${list.id}`, jsonBody("PUT", { title: "Mine" })],
      [`/api/v1/lists/${list.id}`, { method: "DELETE" }],
      [`/api/v1/lists/${list.id}/accounts`],
      [`/api/v1/lists/${list.id}/accounts`, jsonBody("POST", { account_ids: [alice.account.id] })],
      [`/api/v1/lists/${list.id}/accounts`, jsonBody("DELETE", { account_ids: [alice.account.id] })],
      [`/api/v1/timelines/list/${list.id}`],
      [`/api/v2/filters/${filter.id}`],
      [`/api/v2/filters/${filter.id}`, jsonBody("PUT", { title: "Mine" })],
      [`/api/v2/filters/${filter.id}`, { method: "DELETE" }],
      [`/api/v2/filters/${filter.id}/keywords`],
      [`/api/v2/filters/${filter.id}/keywords`, jsonBody("POST", { keyword: "x" })],
      [`/api/v2/filters/${filter.id}/statuses`],
      [`/api/v2/filters/keywords/${keywordId}`],
      [`/api/v2/filters/keywords/${keywordId}`, jsonBody("PUT", { keyword: "y" })],
      [`/api/v2/filters/keywords/${keywordId}`, { method: "DELETE" }],
      [`/api/v2/filters/statuses/${filterStatus.id}`],
      [`/api/v2/filters/statuses/${filterStatus.id}`, { method: "DELETE" }],
      [`/api/v1/filters/${keywordId}`],
      [`/api/v1/filters/${keywordId}`, jsonBody("PUT", { phrase: "z", context: ["home"] })],
      [`/api/v1/filters/${keywordId}`, { method: "DELETE" }],
      [`/api/v1/scheduled_statuses/${scheduled.id}`],
      [`/api/v1/scheduled_statuses/${scheduled.id}`, jsonBody("PUT", { scheduled_at: new Date(Date.now() + 7_200_000).toISOString() })],
      [`/api/v1/scheduled_statuses/${scheduled.id}`, { method: "DELETE" }],
      [`/api/v1/media/${upload.id}`],
      [`/api/v1/media/${upload.id}`, jsonBody("PUT", { description: "mine" })],
      [`/api/v1/media/${upload.id}`, { method: "DELETE" }],
      [`/api/v1/notifications/${notification?.id}`],
      [`/api/v1/notifications/${notification?.id}/dismiss`, { method: "POST" }],
      [`/api/v2/notifications/${notification?.group_key}`],
      [`/api/v2/notifications/${notification?.group_key}/accounts`],
      [`/api/v2/notifications/${notification?.group_key}/dismiss`, { method: "POST" }],
      [`/api/v1/conversations/${conversation?.id}/read`, { method: "POST" }],
      [`/api/v1/conversations/${conversation?.id}`, { method: "DELETE" }],
    ];
    for (const [path, init] of others) expect(await codeOf(carol, path, init), `${init?.method ?? "GET"} ${path}`).toBe(404);

    // Carol cannot attach Bob's upload either; a scheduled status of hers cannot take it.
    const attach = await carol.request("/api/v1/statuses", jsonBody("POST", { status: "stolen", media_ids: [upload.id] }));
    expect(attach.status).toBe(422);
    // Everything is still Bob's, unchanged.
    expect((await jsonOf<{ title: string }>(bob, `/api/v1/lists/${list.id}`)).title).toBe("Close friends");
    expect((await jsonOf<{ title: string }>(bob, `/api/v2/filters/${filter.id}`)).title).toBe("Spoilers");
    expect(await codeOf(bob, `/api/v1/scheduled_statuses/${scheduled.id}`)).toBe(200);
    expect(await codeOf(bob, `/api/v1/media/${upload.id}`)).toBe(200);
    expect(await codeOf(bob, `/api/v1/notifications/${notification?.id}`)).toBe(200);
    expect(await codeOf(bob, `/api/v2/filters/keywords/${keywordId}`)).toBe(200);
  });

  it("streams a private status to no one who may not see it, and nobody another's list", async () => {
    const list = await bob.client.v1.lists.create({ title: "Alice" });
    await bob.client.v1.lists.$select(list.id).accounts.create({ accountIds: [alice.account.id] });
    const streamUrl = `${home.url.replace(/^http/, "ws")}/api/v1/streaming`;
    const carolStream = await openRawStream(streamUrl, carol.token);
    const bobStream = await openRawStream(streamUrl, bob.token);
    try {
      for (const stream of ["public", "public:local", "user"]) carolStream.send({ type: "subscribe", stream });
      carolStream.send({ type: "subscribe", stream: "hashtag", tag: "streamcheck" });
      carolStream.send({ type: "subscribe", stream: "list", list: list.id });
      const refused = await carolStream.next((message) => message.error !== undefined);
      expect(refused.status).toBe(401);
      bobStream.send({ type: "subscribe", stream: "user" });
      bobStream.send({ type: "subscribe", stream: "list", list: list.id });
      bobStream.send({ type: "subscribe", stream: "list", list: "1" });
      await bobStream.next((message) => message.error !== undefined);
      // Subscriptions are taken in order: the refusal of the last shows the others are in place.
      const hiddenStatus = await alice.client.v1.statuses.create({ status: "Only for followers #streamcheck", visibility: "private" });
      const hiddenDirect = await alice.client.v1.statuses.create({ status: "@bob just you #streamcheck", visibility: "direct" });
      const open = await alice.client.v1.statuses.create({ status: "For everyone #streamcheck", visibility: "public" });
      // Bob gets all three in his home, so the events were sent; Carol gets only the public one.
      await bobStream.next((message) => message.event === "update" && message.payload?.includes(open.id) === true && message.stream?.[0] === "user");
      await bobStream.next((message) => message.event === "update" && message.payload?.includes(hiddenStatus.id) === true && message.stream?.[0] === "list");
      for (const stream of ["public", "public:local", "hashtag"]) {
        await carolStream.next((message) => message.event === "update" && message.stream?.[0] === stream && message.payload?.includes(open.id) === true);
      }
      const leaked = carolStream.messages.filter((message) => [hiddenStatus.id, hiddenDirect.id].some((id) => message.payload?.includes(id)));
      expect(leaked).toEqual([]);
    } finally {
      carolStream.close();
      bobStream.close();
    }
  });

  it("does not serve the hidden statuses to anonymous ActivityPub or web requests", async () => {
    for (const id of [privateId, directId]) {
      for (const path of [`/users/alice/statuses/${id}`, `/@alice/${id}`]) {
        for (const accept of ["application/activity+json", "text/html"]) {
          const response = await fetch(`${home.url}${path}`, { headers: { Accept: accept } });
          const text = await response.text();
          expect(text, `${path} as ${accept}`).not.toMatch(/door code|Surprise party/);
        }
      }
    }
  });

  it("finds no hashtag, and counts no use of one, that only statuses hidden from the viewer carry", async () => {
    const search = (user: ApiUser) => jsonOf<{ hashtags: Array<{ name: string; history: Array<{ uses: string }> }> }>(user, "/api/v2/search?q=secretpl&type=hashtags");
    expect((await search(carol)).hashtags).toEqual([]);
    const anonymous = (await (await fetch(`${home.url}/api/v2/search?q=secretpl&type=hashtags`)).json()) as { hashtags: unknown[] };
    expect(anonymous.hashtags).toEqual([]);
    // Bob sees the statuses, so he finds the tag; its public history (as Mastodon's trends) counts none of them.
    const [found] = (await search(bob)).hashtags;
    expect(found?.name).toBe("secretplans");
    expect(found?.history[0]?.uses).toBe("0");
    const tag = await jsonOf<{ history: Array<{ uses: string; accounts: string }> }>(carol, "/api/v1/tags/secretplans");
    expect(tag.history.every((day) => day.uses === "0" && day.accounts === "0")).toBe(true);
  });

  it("leaves a followers-only reply out of a public thread's context for those who do not follow its author", async () => {
    const open = await alice.client.v1.statuses.create({ status: "Who is coming on Friday?", visibility: "public" });
    const reply = await bob.client.v1.statuses.create({ status: "Me, but keep it quiet", visibility: "private", inReplyToId: open.id });
    const answer = await alice.client.v1.statuses.create({ status: "Great!", visibility: "public", inReplyToId: reply.id });
    const asCarol = await jsonOf<{ ancestors: Array<{ id: string }>; descendants: Array<{ id: string }> }>(carol, `/api/v1/statuses/${open.id}/context`);
    expect(asCarol.descendants.map((status) => status.id)).not.toContain(reply.id);
    const fromBelow = await jsonOf<{ ancestors: Array<{ id: string }> }>(carol, `/api/v1/statuses/${answer.id}/context`);
    expect(fromBelow.ancestors.map((status) => status.id)).not.toContain(reply.id);
    const asAlice = await jsonOf<{ descendants: Array<{ id: string }> }>(alice, `/api/v1/statuses/${open.id}/context`);
    expect(asAlice.descendants.map((status) => status.id)).toContain(reply.id);
  });

  it("refuses a report that names a status the reporter may not see, as if it did not exist", async () => {
    const hidden = await carol.request("/api/v1/reports", jsonBody("POST", { account_id: alice.account.id, status_ids: [directId], comment: "?" }));
    expect(hidden.status).toBe(404);
    const seen = await bob.request("/api/v1/reports", jsonBody("POST", { account_id: alice.account.id, status_ids: [directId], comment: "rude" }));
    expect(seen.status).toBe(200);
  });

  it("answers 403 for a token without the scope, 401 for a revoked one, 422 for an app without a user", async () => {
    const readOnly = await apiUser(home.core, home.url, carol.account, ["read"]);
    const accountsOnly = await apiUser(home.core, home.url, carol.account, ["read:accounts"]);
    expect(await codeOf(readOnly, "/api/v1/statuses", jsonBody("POST", { status: "hi" }))).toBe(403);
    expect(await codeOf(readOnly, "/api/v1/lists", jsonBody("POST", { title: "x" }))).toBe(403);
    for (const path of ["/api/v1/timelines/home", `/api/v1/statuses/${privateId}`, "/api/v1/notifications", "/api/v1/conversations", "/api/v1/lists", "/api/v2/filters", "/api/v1/bookmarks", "/api/v1/markers?timeline[]=home", "/api/v2/search?q=x"]) {
      expect(await codeOf(accountsOnly, path), path).toBe(403);
    }
    expect(await codeOf(accountsOnly, "/api/v1/accounts/verify_credentials")).toBe(200);
    // Who boosted or favourited: read:statuses in Mastodon's documentation, read:accounts in its code.
    const statusesOnly = await apiUser(home.core, home.url, carol.account, ["read:statuses"]);
    const open = await alice.client.v1.statuses.create({ status: "Boost me", visibility: "public" });
    for (const user of [statusesOnly, accountsOnly]) {
      for (const path of ["reblogged_by", "favourited_by"]) expect(await codeOf(user, `/api/v1/statuses/${open.id}/${path}`), path).toBe(200);
    }
    expect(await codeOf(await apiUser(home.core, home.url, carol.account, ["read:lists"]), `/api/v1/statuses/${open.id}/reblogged_by`)).toBe(403);
    const carolToken = await findAccessToken(home.core, carol.token);
    const appToken = await issueAccessToken(home.core, { applicationId: carolToken?.application_id ?? "", accountId: null, scopes: ["read", "write"] });
    const asApp = (path: string) => fetch(`${home.url}${path}`, { headers: { Authorization: `Bearer ${appToken.token}` } });
    expect((await asApp("/api/v1/timelines/home")).status).toBe(422);
    // An app token reads as no one: public statuses only.
    expect((await asApp(`/api/v1/statuses/${privateId}`)).status).toBe(404);
    const revoked = await apiUser(home.core, home.url, carol.account);
    const row = await findAccessToken(home.core, revoked.token);
    await revokeAccessToken(home.core, revoked.token, row?.application_id ?? "");
    for (const path of ["/api/v1/accounts/verify_credentials", "/api/v1/timelines/public", `/api/v1/statuses/${privateId}`]) {
      expect(await codeOf(revoked, path), path).toBe(401);
    }
  });

  it("hides an author's statuses from an account the author blocks, everywhere", async () => {
    const dave = await apiUser(home.core, home.url, await addLocalAccount(home.core, "dave"));
    const erin = await apiUser(home.core, home.url, await addLocalAccount(home.core, "erin"));
    const open = await dave.client.v1.statuses.create({ status: "Public musings #blockcheck", visibility: "public" });
    expect(await codeOf(erin, `/api/v1/statuses/${open.id}`)).toBe(200);
    await dave.client.v1.accounts.$select(erin.account.id).block();
    for (const path of ["", "/context", "/history", "/card", "/reblogged_by", "/favourited_by"]) {
      expect(await codeOf(erin, `/api/v1/statuses/${open.id}${path}`), path).toBe(404);
    }
    for (const act of ["favourite", "reblog", "bookmark"]) expect(await codeOf(erin, `/api/v1/statuses/${open.id}/${act}`, { method: "POST" }), act).toBe(404);
    expect(await codeOf(erin, "/api/v1/statuses", jsonBody("POST", { status: "hey", in_reply_to_id: open.id }))).toBe(404);
    for (const path of [`/api/v1/accounts/${dave.account.id}/statuses`, "/api/v1/timelines/public", "/api/v1/timelines/tag/blockcheck", `/api/v1/statuses?id[]=${open.id}`]) {
      const ids = (await jsonOf<Array<{ id: string }>>(erin, path)).map((status) => status.id);
      expect(ids, path).not.toContain(open.id);
    }
    const found = await jsonOf<{ statuses: Array<{ id: string }> }>(erin, "/api/v2/search?q=musings&type=statuses");
    expect(found.statuses).toEqual([]);
    // Erin mentioning Dave does not reach him.
    await erin.client.v1.statuses.create({ status: "@dave are you there?" });
    const notes = await jsonOf<Array<{ account: { id: string } }>>(dave, "/api/v1/notifications");
    expect(notes.map((note) => note.account.id)).not.toContain(erin.account.id);
  });

  it("pushes no notification about a status its recipient may no longer see", async () => {
    const frank = await apiUser(home.core, home.url, await addLocalAccount(home.core, "frank"));
    const gina = await apiUser(home.core, home.url, await addLocalAccount(home.core, "gina"));
    const open = await frank.client.v1.statuses.create({ status: "First draft", visibility: "public" });
    await gina.client.v1.statuses.$select(open.id).reblog();
    const ginasUpdate = () =>
      home.core.db.selectFrom("notifications").select("id").where("account_id", "=", gina.account.id).where("type", "=", "update").executeTakeFirst();
    // An edit notifies whoever boosted it, and the push says what the status now says...
    await frank.client.v1.statuses.$select(open.id).update({ status: "Second draft" });
    const before = await ginasUpdate();
    expect((await loadPushNotificationFacts(home.core, before?.id ?? ""))?.status?.content).toContain("Second draft");
    // ...but not once the author has blocked her: she may no longer see it, so nothing is pushed.
    await frank.client.v1.accounts.$select(gina.account.id).block();
    await frank.client.v1.statuses.$select(open.id).update({ status: "Third draft, not for Gina" });
    const after = await ginasUpdate();
    if (after) expect(await loadPushNotificationFacts(home.core, after.id)).toBeUndefined();
    expect(await jsonOf<unknown[]>(gina, "/api/v1/notifications?types[]=update")).toEqual([]);
  });

  it("answers 422 with a sentence, not 500, for a filter set to expire past any date", async () => {
    for (const [path, body] of [
      ["/api/v2/filters", { title: "Forever", context: ["home"], expires_in: 1e30 }],
      ["/api/v1/filters", { phrase: "forever", context: ["home"], expires_in: "9".repeat(40) }],
    ] as const) {
      const response = await carol.request(path, jsonBody("POST", body));
      expect(response.status, path).toBe(422);
      expect(((await response.json()) as { error: string }).error).toMatch(/expires_in can be at most/);
    }
  });

  it("keeps a boost no wider than the followers-only status its own author boosted", async () => {
    // A peer whose author boosts their own followers-only post with a public Announce (a server that
    // addresses it so, or a hostile one): the boost must not carry the post to those who do not follow.
    const base = "https://peer.example";
    const author = await upsertRemoteAccount(home.core, {
      uri: `${base}/users/hana`, username: "hana", domain: "peer.example", display_name: "Hana", note: "", fields_json: "[]",
      is_locked: 1, is_bot: 0, is_discoverable: 1, is_indexable: 0, url: `${base}/@hana`, actor_type: "Person",
      inbox_url: `${base}/users/hana/inbox`, shared_inbox_url: null, outbox_url: null, followers_url: `${base}/users/hana/followers`,
      following_url: null, featured_url: null, public_key_id: null, avatar_remote_url: null, header_remote_url: null,
      moved_to_uri: null, also_known_as_json: "[]", published_at: null,
    });
    const recorded = await recordRemoteStatus(home.core, {
      uri: `${base}/users/hana/statuses/1`, url: null, accountId: author.id, visibility: "private", content: "<p>Only my followers may know</p>",
      spoilerText: "", sensitive: false, language: null, createdAt: new Date().toISOString(), editedAt: null, inReplyToUri: null,
      quoteUri: null, conversationUri: null, mentionedAccountIds: [], silentMentionAccountIds: [], tagNames: [], emojis: [], media: [], poll: null,
    });
    const boost = await recordRemoteAnnounce(home.core, {
      accountId: author.id, uri: `${base}/users/hana/statuses/1/activity`, statusId: recorded?.status.id ?? "", visibility: "public", createdAt: new Date().toISOString(),
    });
    expect(boost).toBeDefined();
    expect(await codeOf(carol, `/api/v1/statuses/${boost?.id}`)).toBe(404);
    const text = await (await carol.request(`/api/v1/accounts/${author.id}/statuses`)).text();
    expect(text).not.toContain("Only my followers may know");
  });

  it("keeps private notes, sources and credentials to their owner", async () => {
    await bob.request(`/api/v1/accounts/${alice.account.id}/note`, jsonBody("POST", { comment: "owes me a cake" }));
    const [carolView] = await jsonOf<Array<{ note: string }>>(carol, `/api/v1/accounts/relationships?id[]=${alice.account.id}`);
    expect(carolView?.note).toBe("");
    for (const path of [`/api/v1/accounts/${alice.account.id}`, `/api/v1/accounts/lookup?acct=alice`, `/api/v1/accounts?id[]=${alice.account.id}`]) {
      const text = await (await carol.request(path)).text();
      expect(text, path).not.toMatch(/"source"|"email"|password|"role"|note_source/);
    }
  });

  it("keeps the owner's settings to the owner", async () => {
    expect(await codeOf(carol, "/api/hearth/info")).toBe(403);
    expect(await codeOf(alice, "/api/hearth/info")).toBe(200);
    expect(await codeOf(null, "/api/hearth/info")).toBe(401);
    const setup = await fetch(`${home.url}/api/hearth/setup`, jsonBody("POST", { username: "mallory", password: "correct horse battery staple" }));
    expect(setup.status).toBe(409);
  });
});
