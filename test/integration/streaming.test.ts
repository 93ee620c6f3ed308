import { createRestAPIClient, createStreamingAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertLocalAccount, prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import type { CoreEvent } from "../../server/core/events.ts";
import { resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { collectEvents, openRawStream } from "../helpers/stream-reader.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { AccountRow } from "../../server/core/rows.ts";

type StreamEvent = mastodon.streaming.Event;
type StatusPayload = { id: string; content: string; account: { acct: string }; visibility: string };

/**
 * The streaming API of a whole instance, driven by masto: alice follows bob on another instance and sees his
 * posts, mentions and deletions arrive live; her own posts reach the local streams; carol, on alice's
 * instance but not following bob, never sees what is not hers to see.
 */
describe("Streaming API: posts, notifications and deletions arrive live", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let aliceToken: string;
  let carolToken: string;
  let bobRest: mastodon.rest.Client;
  let aliceRest: mastodon.rest.Client;
  let streaming: mastodon.streaming.Client;
  let carolStreaming: mastodon.streaming.Client;
  const events: Record<string, StreamEvent[]> = {};

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    aliceToken = (await issueCliToken(alice.core, alice.owner.id, ["read", "write", "follow"])).token;
    const carol: AccountRow = await alice.core.db
      .transaction()
      .execute(async (trx) =>
        insertLocalAccount(alice.core, trx, await prepareLocalAccount({ username: "carol", password: "correct horse battery staple", role: "member" })),
      );
    carolToken = (await issueCliToken(alice.core, carol.id, ["read"])).token;
    aliceRest = createRestAPIClient({ url: alice.url, accessToken: aliceToken });
    bobRest = createRestAPIClient({ url: bob.url, accessToken: (await issueCliToken(bob.core, bob.owner.id, ["read", "write", "follow"])).token });

    // alice follows bob, across the two instances, and waits for his Accept.
    const bobThere = await resolveRemoteAccount(alice.core, bob.handle);
    if (!bobThere) throw new Error("alice's instance could not find bob");
    await aliceRest.v1.accounts.$select(bobThere.id).follow();
    await waitFor(async () => (await aliceRest.v1.accounts.relationships.fetch({ id: [bobThere.id] }))[0]?.following, { what: "bob to accept alice" });

    const { configuration } = await createRestAPIClient({ url: alice.url }).v2.instance.fetch();
    streaming = createStreamingAPIClient({ streamingApiUrl: configuration.urls.streaming, accessToken: aliceToken, retry: false });
    carolStreaming = createStreamingAPIClient({ streamingApiUrl: configuration.urls.streaming, accessToken: carolToken, retry: false });
    events.user = collectEvents(streaming.user.subscribe());
    events.notifications = collectEvents(streaming.user.notification.subscribe());
    events.local = collectEvents(streaming.public.local.subscribe());
    events.remote = collectEvents(streaming.public.remote.subscribe());
    events.hashtag = collectEvents(streaming.hashtag.subscribe({ tag: "Hearth" }));
    events.carolUser = collectEvents(carolStreaming.user.subscribe());
    events.carolPublic = collectEvents(carolStreaming.public.subscribe());
    await untilSubscribed();
  });
  afterAll(async () => {
    streaming?.close();
    carolStreaming?.close();
    await group?.close();
  });

  /**
   * Subscriptions are not acknowledged (as on Mastodon), so harmless events go out until every stream has
   * seen one: filters_changed for the user streams, a delete of nothing for the public ones.
   */
  async function untilSubscribed(): Promise<void> {
    const probes: CoreEvent[] = [
      { type: "filters.changed", accountId: alice.owner.id },
      { type: "filters.changed", accountId: (await alice.core.db.selectFrom("accounts").select("id").where("username", "=", "carol").executeTakeFirstOrThrow()).id },
      { type: "status.deleted", statusId: "0", homeAccountIds: [], public: true, local: true },
      { type: "status.deleted", statusId: "0", homeAccountIds: [], public: true, local: false },
    ];
    const timer = setInterval(() => probes.forEach((probe) => alice.core.events.emit(probe)), 25);
    try {
      await waitFor(() => ["user", "local", "remote", "hashtag", "carolUser", "carolPublic"].every((name) => (events[name]?.length ?? 0) > 0), {
        what: "every stream to be subscribed",
      });
    } finally {
      clearInterval(timer);
    }
  }

  function updates(name: string): StatusPayload[] {
    return (events[name] ?? []).filter((event) => event.event === "update").map((event) => event.payload as unknown as StatusPayload);
  }

  async function arrival(name: string, content: string): Promise<StatusPayload> {
    return waitFor(() => updates(name).find((status) => status.content.includes(content)), { what: `"${content}" on the ${name} stream` });
  }

  it("streams bob's public post from the other instance to alice's home, the remote and the hashtag streams", async () => {
    await bobRest.v1.statuses.create({ status: "Hello from bob #Hearth", visibility: "public" });
    const home = await arrival("user", "Hello from bob");
    expect(home.account.acct).toBe(bob.handle);
    const remote = await arrival("remote", "Hello from bob");
    expect(remote.id).toBe(home.id);
    const tagged = await arrival("hashtag", "Hello from bob");
    expect(tagged.id).toBe(home.id);
    const event = events.hashtag!.find((candidate) => candidate.event === "update")!;
    expect(event.stream).toEqual(["hashtag", "Hearth"]);
    // carol does not follow bob: the public stream shows his post, her home does not.
    await arrival("carolPublic", "Hello from bob");
    expect(updates("carolUser")).toEqual([]);
    expect(updates("local").map((status) => status.id)).not.toContain(home.id);
  });

  it("streams alice's own post to her home and the local stream, with the entity the REST API gives", async () => {
    const posted = await aliceRest.v1.statuses.create({ status: "A local post #hearth", visibility: "public" });
    const home = await arrival("user", "A local post");
    const local = await arrival("local", "A local post");
    expect(home.id).toBe(posted.id);
    expect(local).toEqual(home);
    expect(home).toEqual(JSON.parse(JSON.stringify(await aliceRest.v1.statuses.$select(posted.id).fetch())));
    await arrival("hashtag", "A local post");
    expect(updates("remote").map((status) => status.id)).not.toContain(posted.id);
  });

  it("streams a mention as a notification, and never a followers-only post to someone who may not see it", async () => {
    // alice follows bob: his followers-only post is hers to see.
    await bobRest.v1.statuses.create({ status: "Only for my followers", visibility: "private" });
    await arrival("user", "Only for my followers");
    await bobRest.v1.statuses.create({ status: `@${alice.handle} are you there?`, visibility: "public" });
    const notification = await waitFor(() => events.notifications!.find((event) => event.event === "notification"), { what: "the mention" });
    expect(notification.stream).toEqual(["user:notification"]);
    const payload = notification.payload as unknown as { type: string; account: { acct: string }; status: { content: string } };
    expect(payload.type).toBe("mention");
    expect(payload.account.acct).toBe(bob.handle);
    expect(payload.status.content).toContain("are you there?");
    // The user stream carries notifications too, for a token that may read them.
    await waitFor(() => events.user!.find((event) => event.event === "notification"), { what: "the mention on the user stream" });

    // carol and the public streams never get the followers-only post: the public mention after it has
    // reached carol, and streams keep the order of events, so it would have come first.
    await arrival("carolPublic", "are you there?");
    for (const name of ["carolPublic", "carolUser", "remote", "hashtag"]) {
      expect(updates(name).map((status) => status.content).join()).not.toContain("Only for my followers");
    }
  });

  it("streams an edit as status.update and a deletion as delete, with the id alice knows", async () => {
    const posted = await aliceRest.v1.statuses.create({ status: "First draft", visibility: "public" });
    await arrival("user", "First draft");
    await aliceRest.v1.statuses.$select(posted.id).update({ status: "Second draft" });
    const edited = await waitFor(() => events.user!.find((event) => event.event === "status.update"), { what: "the edit" });
    expect((edited.payload as unknown as StatusPayload).content).toContain("Second draft");

    const bobs = await bobRest.v1.statuses.create({ status: "Soon gone", visibility: "public" });
    const seen = await arrival("user", "Soon gone");
    await bobRest.v1.statuses.$select(bobs.id).remove();
    const deleted = await waitFor(() => events.user!.find((event) => event.event === "delete" && event.payload === seen.id), { what: "bob's deletion" });
    expect(deleted.stream).toEqual(["user"]);
    await waitFor(() => events.remote!.find((event) => event.event === "delete" && event.payload === seen.id), { what: "the deletion on the remote stream" });
  });

  it("answers the health check and echoes the subprotocol on the instance's own server", async () => {
    expect(await (await fetch(`${alice.url}/api/v1/streaming/health`)).text()).toBe("OK");
    const socket = await openRawStream(`${alice.url.replace(/^http/, "ws")}/api/v1/streaming`, aliceToken);
    expect(socket.ws.protocol).toBe(aliceToken);
    socket.close();
    await expect(openRawStream(`${alice.url.replace(/^http/, "ws")}/api/v1/streaming`, "wrong")).rejects.toThrow("HTTP 401");
  });
});
