import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient, MastoHttpError, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiUser, apiUser, parseLink } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { collectEvents, openRawStream } from "../helpers/stream-reader.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "com.example.ivoryish://oauth";
const ISO_WITH_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NUMERIC_ID = /^\d+$/;

// Every attribute Mastodon's entity documentation lists without {{%optional%}} (mastodon/documentation,
// content/en/entities/Status.md and Account.md): apps decode these and break on a missing key.
const STATUS_KEYS = [
  "id", "uri", "created_at", "account", "content", "visibility", "sensitive", "spoiler_text", "media_attachments", "mentions",
  "tags", "emojis", "reblogs_count", "favourites_count", "replies_count", "url", "in_reply_to_id", "in_reply_to_account_id",
  "reblog", "poll", "card", "language", "edited_at",
];
// ...and the ones present whenever the token has a user.
const STATUS_VIEWER_KEYS = ["favourited", "reblogged", "muted", "bookmarked", "filtered"];
const ACCOUNT_KEYS = [
  "id", "username", "acct", "url", "display_name", "note", "avatar", "avatar_static", "header", "header_static", "locked",
  "fields", "emojis", "bot", "group", "discoverable", "created_at", "last_status_at", "statuses_count", "followers_count",
  "following_count",
];

type JsonObject = Record<string, unknown>;

/** The status code and message a masto call failed with (200 when it did not fail). */
async function failureOf(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
    return { status: 200, message: "" };
  } catch (error) {
    if (!(error instanceof MastoHttpError)) throw error;
    return { status: error.statusCode, message: error.message };
  }
}

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * A third-party app, as Ivory or Elk use a server: the masto client library on the wire, the OAuth
 * authorization-code flow with PKCE through the server's own consent page, then posting, reading, following
 * someone on another server and watching the streaming API. Alice is on one instance, bob on another.
 */
describe("A third-party app's journey through the Mastodon API, against two federating instances", () => {
  let group: InstanceGroup;
  let aliceHome: TestInstance;
  let bobHome: TestInstance;
  let bob: ApiUser;
  let app: { clientId: string; clientSecret: string };
  let aliceToken: string;
  let alice: mastodon.rest.Client;
  /** alice's raw request with her token, for what masto does not show (status codes, headers). */
  let aliceRequest: (path: string, init?: RequestInit) => Promise<Response>;
  let streaming: mastodon.streaming.Client | undefined;
  let photoPost: mastodon.v1.Status;
  let pollPost: mastodon.v1.Status;
  let bobOnAlice: mastodon.v1.Account;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [aliceHome, bobHome] = group.instances as [TestInstance, TestInstance];
    bob = await apiUser(bobHome.core, bobHome.url, bobHome.owner);
  });
  afterAll(async () => {
    streaming?.close();
    await group?.close();
  });

  /**
   * What the app and the person do together: the app opens the consent page with a PKCE challenge, the person
   * signs in and allows, the browser follows the redirect back to the app, and the app trades the code.
   */
  async function signIn(scope: string): Promise<string> {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const state = randomBytes(8).toString("hex");
    const query = new URLSearchParams({
      response_type: "code",
      client_id: app.clientId,
      redirect_uri: REDIRECT,
      scope,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const page = await fetch(`${aliceHome.url}/oauth/authorize?${query}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Ivoryish");
    // The browser submits the form as the page wrote it: its action, its hidden fields, what the person typed.
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      form.set(decodeHtmlAttribute(name!), decodeHtmlAttribute(value!));
    }
    form.set("username", "alice");
    form.set("password", PASSWORD);
    form.set("decision", "allow");
    const cookie = page.headers.get("set-cookie")?.split(";")[0];
    const submitted = await fetch(new URL(decodeHtmlAttribute(action!), aliceHome.url), {
      method: "POST",
      body: form,
      redirect: "manual",
      headers: { Origin: aliceHome.url, ...(cookie && { Cookie: cookie }) },
    });
    expect(submitted.status).toBe(302);
    const back = new URL(submitted.headers.get("location") ?? "");
    expect(`${back.protocol}//${back.host}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe(state);
    const code = back.searchParams.get("code");
    expect(code).toBeTruthy();

    const token = await createOAuthAPIClient({ url: aliceHome.url }).token.create({
      grantType: "authorization_code",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: REDIRECT,
      code: code!,
      codeVerifier: verifier,
    } as Parameters<mastodon.oauth.Client["token"]["create"]>[0]);
    expect(token.tokenType).toBe("Bearer");
    expect(token.scope).toBe(scope);
    return token.accessToken;
  }

  /** The statuses of alice's home timeline, newest first, all of them (the test keeps it under one page). */
  async function homeIds(): Promise<string[]> {
    const page = await alice.v1.timelines.home.list({ limit: 40 });
    expect(page.length).toBeLessThan(40);
    return page.map((status) => status.id);
  }

  it("registers an app, signs alice in with the authorization-code flow and PKCE S256, and verifies the token", async () => {
    const registered = await createRestAPIClient({ url: aliceHome.url }).v1.apps.create({
      clientName: "Ivoryish",
      redirectUris: REDIRECT,
      scopes: "read write follow push",
      website: "https://ivoryish.example",
    });
    expect(registered).toMatchObject({ name: "Ivoryish", website: "https://ivoryish.example" });
    app = { clientId: registered.clientId!, clientSecret: registered.clientSecret! };

    aliceToken = await signIn("read write follow push");
    alice = createRestAPIClient({ url: aliceHome.url, accessToken: aliceToken });
    aliceRequest = (path, init = {}) => fetch(`${aliceHome.url}${path}`, { ...init, headers: { Authorization: `Bearer ${aliceToken}`, ...init.headers } });
    const me = await alice.v1.accounts.verifyCredentials();
    expect(me).toMatchObject({ id: aliceHome.owner.id, username: "alice", acct: "alice", source: { privacy: "public" } });
    expect((await alice.v1.apps.verifyCredentials()).name).toBe("Ivoryish");
    // Some apps and scripts send the token as ?access_token=, which Mastodon accepts too.
    expect((await fetch(`${aliceHome.url}/api/v1/accounts/verify_credentials?access_token=${aliceToken}`)).status).toBe(200);
  });

  it("uploads a PNG through v2 media, waits for processing, describes it, and posts it; posts a poll", async () => {
    const png = await twoColours(64, 48).png().toBuffer();
    // masto answers once the server has processed the upload, polling GET /api/v1/media/:id as Mastodon's apps do.
    const uploaded = await alice.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }) });
    expect(uploaded).toMatchObject({ type: "image", description: null });
    expect(uploaded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\//);
    expect(uploaded.previewUrl).toBeTruthy();
    expect(uploaded.blurhash).toBeTruthy();
    expect(uploaded.meta?.original).toMatchObject({ width: 64, height: 48 });
    const described = await alice.v1.media.$select(uploaded.id).update({ description: "Red on the left, blue on the right" });
    expect(described.description).toBe("Red on the left, blue on the right");
    // The file the URL names is the picture.
    const file = await fetch(uploaded.url!);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toMatch(/^image\//);

    photoPost = await alice.v1.statuses.create({ status: "Flags of two colours", mediaIds: [uploaded.id], visibility: "public" });
    expect(photoPost.mediaAttachments.map((media) => [media.id, media.description])).toEqual([[uploaded.id, "Red on the left, blue on the right"]]);
    expect(photoPost.application).toMatchObject({ name: "Ivoryish", website: "https://ivoryish.example" });

    pollPost = await alice.v1.statuses.create({ status: "Tea or coffee?", poll: { options: ["Tea", "Coffee"], expiresIn: 3600 } });
    expect(pollPost.poll).toMatchObject({ expired: false, multiple: false, votesCount: 0, votersCount: 0, voted: true, ownVotes: [], emojis: [] });
    expect(pollPost.poll?.options).toEqual([
      { title: "Tea", votesCount: 0 },
      { title: "Coffee", votesCount: 0 },
    ]);

    expect((await homeIds()).slice(0, 2)).toEqual([pollPost.id, photoPost.id]);
  });

  it("shows bob's favourite and reply, made on the other instance, as alice's notifications", async () => {
    // Bob's app finds alice's post by its address, which his server fetches (search with resolve=true).
    const found = await bob.client.v2.search.list({ q: photoPost.uri, resolve: true, type: "statuses" });
    const photoOnBob = found.statuses[0];
    expect(photoOnBob).toMatchObject({ uri: photoPost.uri, account: { acct: aliceHome.handle } });
    expect(photoOnBob?.mediaAttachments[0]?.description).toBe("Red on the left, blue on the right");
    await bob.client.v1.statuses.$select(photoOnBob!.id).favourite();
    const reply = await bob.client.v1.statuses.create({ status: `@${aliceHome.handle} Lovely colours`, inReplyToId: photoOnBob!.id });
    expect(reply.inReplyToId).toBe(photoOnBob!.id);

    const notifications = await waitFor(
      async () => {
        const list = await alice.v1.notifications.list();
        return list.some((n) => n.type === "favourite") && list.some((n) => n.type === "mention") && list;
      },
      { what: "bob's favourite and reply to reach alice", timeoutMs: 15_000 },
    );
    const favourite = notifications.find((n) => n.type === "favourite");
    const mention = notifications.find((n) => n.type === "mention");
    expect(favourite).toMatchObject({ account: { acct: bobHome.handle }, status: { id: photoPost.id } });
    expect(mention).toMatchObject({ account: { acct: bobHome.handle }, status: { uri: reply.uri, inReplyToId: photoPost.id } });
    expect(mention?.status?.content).toContain("Lovely colours");
    expect(ISO_WITH_MS.test(mention?.createdAt ?? "")).toBe(true);
    // The thread view shows the reply under the post.
    const context = await alice.v1.statuses.$select(photoPost.id).context.fetch();
    expect(context.descendants.map((status) => status.uri)).toEqual([reply.uri]);
    expect((await alice.v1.notifications.list({ types: ["mention"] })).map((n) => n.id)).toEqual([mention!.id]);
    expect((await alice.v1.statuses.$select(photoPost.id).fetch()).favouritesCount).toBe(1);
  });

  it("finds bob by handle with resolve=true, follows him, and sees his new post arrive over the user stream", async () => {
    // Alice's server met bob through his reply; resolve=true asks his server (WebFinger) all the same.
    const result = await alice.v2.search.list({ q: `@${bobHome.handle}`, resolve: true, type: "accounts" });
    bobOnAlice = result.accounts[0]!;
    expect(bobOnAlice).toMatchObject({ username: "bob", acct: bobHome.handle, url: `${bobHome.url}/@bob` });
    expect((await alice.v1.accounts.lookup({ acct: bobHome.handle })).id).toBe(bobOnAlice.id);

    const relationship = await alice.v1.accounts.$select(bobOnAlice.id).follow();
    expect(relationship.following || relationship.requested).toBe(true);
    await waitFor(async () => (await alice.v1.accounts.relationships.fetch({ id: [bobOnAlice.id] }))[0]?.following, {
      what: "bob's server to accept alice's follow",
    });

    const instance = await alice.v2.instance.fetch();
    streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming, accessToken: aliceToken, retry: false });
    const events = collectEvents(streaming.user.subscribe());
    // Mastodon does not acknowledge a subscription: a harmless filters_changed goes out until the stream shows one.
    const probe = setInterval(() => aliceHome.core.events.emit({ type: "filters.changed", accountId: aliceHome.owner.id }), 50);
    try {
      await waitFor(() => events.some((event) => event.event === "filters_changed"), { what: "the user stream to be subscribed" });
    } finally {
      clearInterval(probe);
    }

    const posted = await bob.client.v1.statuses.create({ status: "Fresh from the other server", visibility: "public" });
    const update = await waitFor(
      () => events.find((event): event is mastodon.streaming.UpdateEvent => event.event === "update" && event.payload.uri === posted.uri),
      { what: "bob's post on alice's user stream", timeoutMs: 15_000 },
    );
    expect(update.payload).toMatchObject({ content: expect.stringContaining("Fresh from the other server"), account: { id: bobOnAlice.id } });
    expect(update.stream).toEqual(["user"]);
    // The status the stream sent is the one the home timeline shows.
    expect((await homeIds())[0]).toBe(update.payload.id);
  });

  it("resolves a remote post by its address, then votes in bob's poll and sees the counts agree on both servers", async () => {
    const bobsPoll = await bob.client.v1.statuses.create({ status: "Which season?", poll: { options: ["Spring", "Autumn", "Winter"], expiresIn: 3600 } });
    const resolved = await alice.v2.search.list({ q: bobsPoll.uri, resolve: true, type: "statuses" });
    const pollOnAlice = resolved.statuses[0];
    expect(pollOnAlice).toMatchObject({ uri: bobsPoll.uri, account: { acct: bobHome.handle } });
    expect(pollOnAlice?.poll).toMatchObject({ voted: false, votesCount: 0, ownVotes: [] });

    const voted = await alice.v1.polls.$select(pollOnAlice!.poll!.id).votes.create({ choices: [1] });
    expect(voted).toMatchObject({ voted: true, ownVotes: [1] });
    // The vote travels to bob's server, which counts it and tells its followers the new counts.
    const counted = await waitFor(
      async () => {
        const poll = await bob.client.v1.polls.$select(bobsPoll.poll!.id).fetch();
        return poll.votesCount === 1 && poll;
      },
      { what: "bob's server to count alice's vote", timeoutMs: 15_000 },
    );
    expect(counted.options.map((option) => option.votesCount)).toEqual([0, 1, 0]);
    await waitFor(
      async () => {
        const poll = await alice.v1.polls.$select(pollOnAlice!.poll!.id).fetch();
        return poll.votesCount === counted.votesCount && poll.options.every((option, index) => option.votesCount === counted.options[index]?.votesCount);
      },
      { what: "alice's view of the poll to agree with bob's server" },
    );
    expect(await alice.v1.polls.$select(pollOnAlice!.poll!.id).fetch()).toMatchObject({ voted: true, ownVotes: [1], votersCount: 1 });
    // A second vote in a single-choice poll is refused with a reason.
    expect(await failureOf(alice.v1.polls.$select(pollOnAlice!.poll!.id).votes.create({ choices: [0] }))).toMatchObject({ status: 422 });
  });

  it("edits a post (two versions in its history) and deletes one (its text comes back for redraft)", async () => {
    const edited = await alice.v1.statuses.$select(photoPost.id).update({ status: "Flags of two colours, red and blue", mediaIds: [photoPost.mediaAttachments[0]!.id] });
    expect(edited.content).toContain("red and blue");
    expect(edited.editedAt).toMatch(ISO_WITH_MS);
    expect(edited.mediaAttachments.map((media) => media.id)).toEqual([photoPost.mediaAttachments[0]!.id]);
    const history = await alice.v1.statuses.$select(photoPost.id).history.list();
    expect(history.map((version) => version.content)).toEqual([expect.stringContaining("Flags of two colours"), expect.stringContaining("red and blue")]);
    expect(history[0]?.content).not.toContain("red and blue");
    expect((await alice.v1.statuses.$select(photoPost.id).source.fetch()).text).toBe("Flags of two colours, red and blue");

    // Delete & re-draft, as apps offer it: the answer carries the text as typed and the media, which the
    // new post may attach again.
    const picture = await alice.v2.media.create({ file: new Blob([new Uint8Array(await twoColours(20, 20).png().toBuffer())], { type: "image/png" }) });
    const draft = await alice.v1.statuses.create({ status: "Typo in thsi one #drafts", mediaIds: [picture.id], sensitive: true, spoilerText: "Squares" });
    const deleted = await alice.v1.statuses.$select(draft.id).remove();
    expect(deleted).toMatchObject({ id: draft.id, text: "Typo in thsi one #drafts", sensitive: true, spoilerText: "Squares" });
    expect(deleted.mediaAttachments.map((media) => media.id)).toEqual([picture.id]);
    expect(await failureOf(alice.v1.statuses.$select(draft.id).fetch())).toEqual({ status: 404, message: "Record not found" });
    expect(await homeIds()).not.toContain(draft.id);
    const redrafted = await alice.v1.statuses.create({ status: "Typo in this one #drafts", mediaIds: [picture.id], sensitive: true, spoilerText: "Squares" });
    expect(redrafted.mediaAttachments.map((media) => media.id)).toEqual([picture.id]);
  });

  it("pages the home timeline with Link headers: next then prev, exact ids, no gaps, no repeats", async () => {
    const LIMIT = 4;
    const before = await homeIds();
    let count = 7;
    // The last page should be a short one, so the walk also proves that it offers no next.
    if ((before.length + count) % LIMIT === 0) count++;
    const posted: string[] = [];
    for (let n = 1; n <= count; n++) posted.push((await alice.v1.statuses.create({ status: `Numbered post ${n}` })).id);
    const expected = [...posted].reverse().concat(before);
    expect(new Set(expected).size).toBe(expected.length);

    const pageAt = async (url: string) => {
      const response = await aliceRequest(url.replace(aliceHome.url, ""));
      expect(response.status).toBe(200);
      const ids = ((await response.json()) as Array<{ id: string }>).map((status) => status.id);
      return { ids, links: parseLink(response.headers.get("link")) };
    };
    const first = await pageAt(`/api/v1/timelines/home?limit=${LIMIT}`);
    expect(first.ids).toEqual(expected.slice(0, LIMIT));
    expect(first.links.next).toBe(`${aliceHome.url}/api/v1/timelines/home?limit=${LIMIT}&max_id=${expected[LIMIT - 1]}`);
    expect(first.links.prev).toBe(`${aliceHome.url}/api/v1/timelines/home?limit=${LIMIT}&min_id=${expected[0]}`);
    const second = await pageAt(first.links.next!);
    expect(second.ids).toEqual(expected.slice(LIMIT, 2 * LIMIT));
    // prev of the second page is exactly the first page again.
    expect((await pageAt(second.links.prev!)).ids).toEqual(first.ids);
    // Nothing is newer than the newest: prev of the first page is empty and has no links.
    expect(await pageAt(first.links.prev!)).toEqual({ ids: [], links: {} });

    // Filling a gap as apps do: min_id gives the page just above an id, since_id the newest above it.
    const above = expected.indexOf(second.ids.at(-1)!);
    expect((await pageAt(`/api/v1/timelines/home?limit=${LIMIT}&min_id=${expected[above]}`)).ids).toEqual(expected.slice(above - LIMIT, above));
    expect((await pageAt(`/api/v1/timelines/home?limit=${LIMIT}&since_id=${expected[above]}`)).ids).toEqual(expected.slice(0, LIMIT));
    // Ids are strings that sort as numbers: newest first means numerically descending.
    expect(expected.every((id, index) => index === 0 || BigInt(id) < BigInt(expected[index - 1]!))).toBe(true);

    // masto's paginator follows `next` until a page offers none: every status once, in order, and no empty page.
    const pages: string[][] = [];
    for await (const page of alice.v1.timelines.home.list({ limit: LIMIT })) pages.push(page.map((status) => status.id));
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === LIMIT)).toBe(true);
    expect(pages.at(-1)!.length).toBeGreaterThan(0);
    expect(pages.at(-1)!.length).toBeLessThan(LIMIT);
  });

  it("gives every Status and Account field Mastodon documents, string ids, and timestamps with milliseconds", async () => {
    const home = (await (await aliceRequest("/api/v1/timelines/home?limit=40")).json()) as JsonObject[];
    const own = home.find((status) => status.id === photoPost.id);
    const remote = home.find((status) => (status.account as JsonObject).id === bobOnAlice.id && status.poll !== null);
    expect(own).toBeDefined();
    expect(remote).toBeDefined();
    for (const status of [own!, remote!]) {
      expect(Object.keys(status)).toEqual(expect.arrayContaining([...STATUS_KEYS, ...STATUS_VIEWER_KEYS]));
      expect(Object.keys(status.account as JsonObject)).toEqual(expect.arrayContaining(ACCOUNT_KEYS));
      expect(status.id).toMatch(NUMERIC_ID);
      expect((status.account as JsonObject).id).toMatch(NUMERIC_ID);
      expect(status.created_at).toMatch(ISO_WITH_MS);
      expect((status.account as JsonObject).created_at).toMatch(ISO_WITH_MS);
      for (const media of status.media_attachments as JsonObject[]) expect(media.id).toMatch(NUMERIC_ID);
    }
    expect(own!.edited_at).toMatch(ISO_WITH_MS);
    expect(own!.pinned).toBe(false);
    const poll = remote!.poll as JsonObject;
    expect(poll.id).toMatch(NUMERIC_ID);
    expect(poll.expires_at).toMatch(ISO_WITH_MS);
    expect(Object.keys(poll)).toEqual(expect.arrayContaining(["id", "expires_at", "expired", "multiple", "votes_count", "voters_count", "options", "emojis", "voted", "own_votes"]));

    const me = (await (await aliceRequest("/api/v1/accounts/verify_credentials")).json()) as JsonObject;
    expect(Object.keys(me)).toEqual(expect.arrayContaining([...ACCOUNT_KEYS, "source", "role"]));
    expect(me.last_status_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const bobAccount = (await (await aliceRequest(`/api/v1/accounts/${bobOnAlice.id}`)).json()) as JsonObject;
    expect(Object.keys(bobAccount)).toEqual(expect.arrayContaining(ACCOUNT_KEYS));
    const notifications = (await (await aliceRequest("/api/v1/notifications")).json()) as JsonObject[];
    for (const notification of notifications) {
      expect(Object.keys(notification)).toEqual(expect.arrayContaining(["id", "type", "created_at", "account", "group_key"]));
      expect(notification.id).toMatch(NUMERIC_ID);
      expect(notification.created_at).toMatch(ISO_WITH_MS);
    }
  });

  it("answers a CORS preflight on /api/v1/statuses from another origin and exposes Link to the browser", async () => {
    const preflight = await fetch(`${aliceHome.url}/api/v1/statuses`, {
      method: "OPTIONS",
      headers: { Origin: "https://elk.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,idempotency-key" },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("authorization"));
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("idempotency-key"));

    const posted = await aliceRequest("/api/v1/statuses", {
      method: "POST",
      headers: { Origin: "https://elk.example", "Content-Type": "application/json" },
      body: JSON.stringify({ status: "Posted from a browser app" }),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get("access-control-allow-origin")).toBe("*");
    const paged = await aliceRequest("/api/v1/timelines/home?limit=2", { headers: { Origin: "https://elk.example" } });
    expect(paged.headers.get("link")).toContain('rel="next"');
    const exposed = (paged.headers.get("access-control-expose-headers") ?? "").split(",").map((name) => name.trim().toLowerCase());
    expect(exposed).toContain("link");
  });

  it("answers 403 for a token without the scope, 422 with a readable error for bad input, and 404 for unknown ids", async () => {
    const readOnly = createRestAPIClient({ url: aliceHome.url, accessToken: await signIn("read") });
    expect((await readOnly.v1.accounts.verifyCredentials()).username).toBe("alice");
    expect((await failureOf(readOnly.v1.statuses.create({ status: "Not allowed" }))).status).toBe(403);
    expect((await failureOf(readOnly.v1.statuses.$select(photoPost.id).favourite())).status).toBe(403);
    expect((await failureOf(readOnly.v1.accounts.$select(bobOnAlice.id).follow())).status).toBe(403);

    const blank = await failureOf(alice.v1.statuses.create({ status: "" }));
    expect(blank.status).toBe(422);
    expect(blank.message).toMatch(/[a-z]{3,}.*[a-z]{3,}/i);
    const onePoll = await failureOf(alice.v1.statuses.create({ status: "Only one?", poll: { options: ["Alone"], expiresIn: 3600 } }));
    expect(onePoll.status).toBe(422);
    expect(onePoll.message.length).toBeGreaterThan(10);
    const badVisibility = await failureOf(alice.v1.statuses.create({ status: "Where?", visibility: "everywhere" as mastodon.v1.StatusVisibility }));
    expect(badVisibility.status).toBe(422);
    expect(badVisibility.message).toContain("isibility");

    const missing = "999999999999999999";
    expect(await failureOf(alice.v1.statuses.$select(missing).fetch())).toEqual({ status: 404, message: "Record not found" });
    expect((await failureOf(alice.v1.accounts.$select(missing).fetch())).status).toBe(404);
    expect((await failureOf(alice.v1.polls.$select(missing).fetch())).status).toBe(404);
    expect((await failureOf(alice.v1.media.$select(missing).update({ description: "x" }))).status).toBe(404);
    expect((await failureOf(alice.v1.notifications.$select(missing).fetch())).status).toBe(404);
    expect((await failureOf(alice.v1.statuses.$select("not-an-id").fetch())).status).toBe(404);
  });

  it("answers 401 once the app revokes its token, on the REST API and the streaming API", async () => {
    await createOAuthAPIClient({ url: aliceHome.url }).revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: aliceToken });
    const after = await failureOf(alice.v1.accounts.verifyCredentials());
    expect(after.status).toBe(401);
    expect(after.message).toBeTruthy();
    expect((await aliceRequest("/api/v1/timelines/home")).status).toBe(401);
    expect((await fetch(`${aliceHome.url}/api/v1/timelines/home?access_token=${aliceToken}`)).status).toBe(401);
    const instance = await createRestAPIClient({ url: aliceHome.url }).v2.instance.fetch();
    const streamingUrl = instance.configuration.urls.streaming;
    await expect(openRawStream(`${streamingUrl}/api/v1/streaming?stream=user`, aliceToken)).rejects.toThrow("HTTP 401");
    const serverSentEvents = await fetch(`${streamingUrl.replace(/^ws/, "http")}/api/v1/streaming/user?access_token=${aliceToken}`);
    expect(serverSentEvents.status).toBe(401);
  });
});
