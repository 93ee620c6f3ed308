import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { favouriteStatus, reblogStatus, unfavouriteStatus, unreblogStatus } from "../../server/core/interactions/interactions.ts";
import { voteOnPoll } from "../../server/core/statuses/polls.ts";
import { deleteStatus, editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { findStatusByUri, getStatusRow } from "../../server/core/statuses/status-store.ts";
import { blockAccount, findBlock } from "../../server/core/relationships/blocks.ts";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { accountOn, arrivedOn, drained, follow, homeFeed, knownOn, notificationsOf, statusUri } from "../helpers/federation-statuses.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { write } from "../../server/core/write.ts";

const AP = { Accept: "application/activity+json" };

async function getJson(url: string, headers: Record<string, string> = AP): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers });
  expect(response.status, `GET ${url}`).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function post(instance: TestInstance, text: string, extra: Partial<Parameters<typeof postStatus>[1]> = {}) {
  return postStatus(instance.core, { accountId: instance.owner.id, text, ...extra }, { origin: instance.url });
}

describe("federation on loopback: statuses travel between instances", () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let carol: TestInstance;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }, { username: "carol", locked: true }]);
    [alice, bob, carol] = group.instances as [TestInstance, TestInstance, TestInstance];
    await follow(alice, bob);
    // carol is locked: alice's follow waits for her approval, which the helper gives.
    await follow(alice, carol);
  });
  afterAll(() => group?.close());

  it("bob posts and the post reaches alice's home timeline, with its hashtag and mention of her", async () => {
    const status = await post(bob, `Good morning #garden @alice@${alice.host}`);
    const arrived = await arrivedOn(alice, statusUri(bob, status), "bob's post");
    expect(arrived).toMatchObject({ visibility: "public", local: 0, url: `${bob.url}/@bob/${status.id}` });
    expect(arrived.content).toContain("Good morning");
    await waitFor(async () => (await homeFeed(alice)).some((row) => row.id === arrived.id), { what: "bob's post in alice's home" });
    await waitFor(async () => (await notificationsOf(alice)).some((n) => n.type === "mention" && n.statusId === arrived.id), { what: "alice's mention" });
    const tags = await alice.core.db.selectFrom("status_tags").innerJoin("tags", "tags.id", "status_tags.tag_id").select("tags.name").where("status_id", "=", arrived.id).execute();
    expect(tags.map((tag) => tag.name)).toEqual(["garden"]);
    // Public posts are in bob's outbox, as a Create of the Note that also dereferences on its own.
    const outbox = await getJson(`${bob.actorUri}/outbox?cursor=`);
    const created = (outbox.orderedItems as Array<{ type: string; object: { id: string } }>).find((item) => item.object.id === statusUri(bob, status));
    expect(created?.type).toBe("Create");
    const note = await getJson(statusUri(bob, status));
    expect(note).toMatchObject({ id: statusUri(bob, status), type: "Note", attributedTo: bob.actorUri });
    // Fedify writes the public collection compacted (as:Public) in what it serves; peers read both forms.
    expect([note.to].flat()).toEqual([expect.stringMatching(/^(as:Public|https:\/\/www\.w3\.org\/ns\/activitystreams#Public)$/)]);
    expect([note.cc].flat()).toEqual([`${bob.actorUri}/followers`, alice.actorUri]);
  });

  it("alice replies and bob has the reply threaded under his post, and is notified", async () => {
    const original = await post(bob, "What are you planting?");
    const originalOnAlice = await arrivedOn(alice, statusUri(bob, original));
    const reply = await post(alice, `@bob@${bob.host} Leeks, as always`, { inReplyToId: originalOnAlice.id });
    const replyOnBob = await arrivedOn(bob, statusUri(alice, reply), "alice's reply");
    expect(replyOnBob.in_reply_to_id).toBe(original.id);
    expect(replyOnBob.conversation_id).toBe((await getStatusRow(bob.core, original.id))?.conversation_id);
    await waitFor(async () => (await notificationsOf(bob)).some((n) => n.type === "mention" && n.from === alice.actorUri), { what: "bob's mention" });
    // The reply is listed in the replies collection of bob's post.
    const replies = await getJson(`${statusUri(bob, original)}/replies?cursor=`);
    expect(JSON.stringify(replies)).toContain(statusUri(alice, reply));
  });

  it("a reply to a post bob never saw brings its parent along, fetched from its own server", async () => {
    const parent = await post(carol, "Seed swap on Saturday");
    const parentOnAlice = await arrivedOn(alice, statusUri(carol, parent));
    const reply = await post(alice, `@bob@${bob.host} are you coming?`, { inReplyToId: parentOnAlice.id });
    const replyOnBob = await arrivedOn(bob, statusUri(alice, reply), "alice's reply");
    const parentOnBob = await arrivedOn(bob, statusUri(carol, parent), "the fetched parent");
    expect(replyOnBob.in_reply_to_id).toBe(parentOnBob.id);
    expect(parentOnBob.content).toContain("Seed swap");
  });

  it("a favourite and a boost arrive as notifications, and taking them back removes them", async () => {
    const status = await post(bob, "Compost is alive");
    const onAlice = await arrivedOn(alice, statusUri(bob, status));
    await favouriteStatus(alice.core, alice.owner.id, onAlice.id, { origin: alice.url });
    await reblogStatus(alice.core, alice.owner.id, onAlice.id);
    const kinds = async () => (await notificationsOf(bob)).filter((n) => n.statusId === status.id && n.from === alice.actorUri).map((n) => n.type).sort();
    await waitFor(async () => (await kinds()).join() === "favourite,reblog", { what: "the favourite and boost notifications" });
    expect(await bob.core.db.selectFrom("favourites").select("id").where("status_id", "=", status.id).execute()).toHaveLength(1);
    expect(await bob.core.db.selectFrom("statuses").select("id").where("reblog_of_id", "=", status.id).execute()).toHaveLength(1);

    await unfavouriteStatus(alice.core, alice.owner.id, onAlice.id);
    await unreblogStatus(alice.core, alice.owner.id, onAlice.id);
    await waitFor(async () => (await kinds()).length === 0, { what: "the notifications to go" });
    expect(await bob.core.db.selectFrom("statuses").select("id").where("reblog_of_id", "=", status.id).execute()).toHaveLength(0);
  });

  it("an edit and a deletion propagate", async () => {
    const status = await post(bob, "Tomatoes are ripe");
    const uri = statusUri(bob, status);
    await arrivedOn(alice, uri);
    await editStatus(bob.core, { accountId: bob.owner.id, statusId: status.id, text: "Tomatoes are ripe and red", spoilerText: "food" }, { origin: bob.url });
    const edited = await waitFor(async () => {
      const row = await findStatusByUri(alice.core, uri);
      return row?.edited_at ? row : undefined;
    }, { what: "the edit on alice's side" });
    expect(edited.content).toContain("ripe and red");
    expect(edited.spoiler_text).toBe("food");
    expect(await alice.core.db.selectFrom("status_edits").select("id").where("status_id", "=", edited.id).execute()).toHaveLength(1);

    await deleteStatus(bob.core, bob.owner.id, status.id);
    await waitFor(async () => (await findStatusByUri(alice.core, uri)) === undefined, { what: "the deletion on alice's side" });
    const note = await fetch(uri, { headers: AP });
    expect(note.status).toBe(404);
  });

  it("a poll is voted on and both sides agree on the counts", async () => {
    const status = await post(bob, "Which is best?", { poll: { options: ["Leeks", "Beans", "Squash"], expiresIn: 3600 } });
    const onAlice = await arrivedOn(alice, statusUri(bob, status));
    const pollOnAlice = await alice.core.db.selectFrom("polls").selectAll().where("status_id", "=", onAlice.id).executeTakeFirstOrThrow();
    expect(JSON.parse(pollOnAlice.options_json)).toEqual(["Leeks", "Beans", "Squash"]);
    await voteOnPoll(alice.core, alice.owner.id, pollOnAlice.id, [1], { origin: alice.url });

    const pollOnBob = await bob.core.db.selectFrom("polls").selectAll().where("status_id", "=", status.id).executeTakeFirstOrThrow();
    await waitFor(async () => (await bob.core.db.selectFrom("poll_votes").select("choice").where("poll_id", "=", pollOnBob.id).execute()).length === 1, {
      what: "alice's vote on bob's side",
    });
    const votes = await bob.core.db.selectFrom("poll_votes").select("choice").where("poll_id", "=", pollOnBob.id).execute();
    expect(votes).toEqual([{ choice: 1 }]);
    // bob's Update(Question) carries the tallies back; alice's copy agrees with bob's count.
    await drained(bob, alice);
    const tallies = await alice.core.db.selectFrom("polls").select(["cached_tallies_json", "voters_count"]).where("id", "=", pollOnAlice.id).executeTakeFirstOrThrow();
    expect(JSON.parse(tallies.cached_tallies_json ?? "[]")).toEqual([0, 1, 0]);
    expect(tallies.voters_count).toBe(1);
    const question = await getJson(statusUri(bob, status));
    expect(question).toMatchObject({ type: "Question", votersCount: 1 });
    expect((question.oneOf as Array<{ name: string; replies: { totalItems: number } }>).map((o) => o.replies.totalItems)).toEqual([0, 1, 0]);
  });

  it("a locked account's followers-only post reaches its approved follower, and nobody else", async () => {
    await accountOn(bob, carol);
    const status = await post(carol, "Just for friends", { visibility: "private" });
    const onAlice = await arrivedOn(alice, statusUri(carol, status), "carol's followers-only post");
    expect(onAlice.visibility).toBe("private");
    await waitFor(async () => (await homeFeed(alice)).some((row) => row.id === onAlice.id), { what: "carol's post in alice's home" });
    await drained(carol, bob);
    expect(await findStatusByUri(bob.core, statusUri(carol, status))).toBeUndefined();
    // Not in the outbox, and not to an anonymous fetch.
    expect((await fetch(statusUri(carol, status), { headers: AP })).status).toBe(404);
    const outbox = await getJson(`${carol.actorUri}/outbox?cursor=`);
    expect(JSON.stringify(outbox)).not.toContain(statusUri(carol, status));
  });

  it("a direct message reaches whom it mentions, never the author's followers", async () => {
    const status = await post(bob, `@carol@${carol.host} a secret`, { visibility: "direct" });
    const onCarol = await arrivedOn(carol, statusUri(bob, status), "bob's direct message");
    expect(onCarol.visibility).toBe("direct");
    await drained(bob, alice);
    expect(await findStatusByUri(alice.core, statusUri(bob, status))).toBeUndefined();
    await waitFor(async () => (await notificationsOf(carol)).some((n) => n.type === "mention" && n.statusId === onCarol.id), { what: "carol's mention" });
  });
});

describe("federation on loopback: blocks and moves", () => {
  let group: InstanceGroup;
  let dave: TestInstance;
  let erin: TestInstance;
  let frank: TestInstance;

  beforeAll(async () => {
    group = await startInstances([{ username: "dave" }, { username: "erin" }, { username: "frank" }]);
    [dave, erin, frank] = group.instances as [TestInstance, TestInstance, TestInstance];
  });
  afterAll(() => group?.close());

  it("a Move from erin to frank moves dave's follow: he follows frank, and no longer erin", async () => {
    await follow(dave, erin);
    const erinOnDave = await accountOn(dave, erin);
    // frank's account says it is also erin (alsoKnownAs), which is what makes the move believable.
    await frank.core.db.updateTable("accounts").set({ also_known_as_json: JSON.stringify([erin.actorUri]) }).where("id", "=", frank.owner.id).execute();
    await write(erin.core, async (_trx, after) => after.publish({ type: "account.moved", accountId: erin.owner.id, targetUri: frank.actorUri }));

    const frankOnDave = await waitFor(() => findAccountByUri(dave.core, frank.actorUri), { what: "dave to fetch frank" });
    await waitFor(async () => (await getFollow(dave.core, dave.owner.id, frankOnDave.id))?.state === "accepted", { what: "dave to follow frank" });
    await waitFor(async () => (await getFollow(dave.core, dave.owner.id, erinOnDave.id)) === undefined, { what: "dave to leave erin" });
    expect((await findAccountByUri(dave.core, erin.actorUri))?.moved_to_uri).toBe(frank.actorUri);
    const daveOnFrank = await knownOn(frank, dave);
    expect((await getFollow(frank.core, daveOnFrank.id, frank.owner.id))?.state).toBe("accepted");
  });

  it("a Move that the new account does not confirm (no alsoKnownAs) moves nothing", async () => {
    await follow(dave, erin);
    const erinOnDave = await accountOn(dave, erin);
    await frank.core.db.updateTable("accounts").set({ also_known_as_json: "[]" }).where("id", "=", frank.owner.id).execute();
    await write(erin.core, async (_trx, after) => after.publish({ type: "account.moved", accountId: erin.owner.id, targetUri: frank.actorUri }));
    await drained(erin, dave);
    expect((await getFollow(dave.core, dave.owner.id, erinOnDave.id))?.state).toBe("accepted");
  });

  it("a block stops delivery both ways", async () => {
    await follow(frank, dave);
    const daveOnFrank = await accountOn(frank, dave);
    const frankOnDave = await accountOn(dave, frank);
    await blockAccount(frank.core, frank.owner.id, daveOnFrank.id, { origin: frank.url });
    await waitFor(async () => (await findBlock(dave.core, frankOnDave.id, dave.owner.id)) !== undefined, { what: "dave's side to know of the block" });
    expect(await getFollow(dave.core, dave.owner.id, frankOnDave.id)).toBeUndefined();
    await waitFor(async () => (await getFollow(dave.core, frankOnDave.id, dave.owner.id)) === undefined, { what: "frank's follow of dave to end on dave's side" });

    const fromFrank = await post(frank, `@dave@${dave.host} can you hear me?`);
    const fromDave = await post(dave, `@frank@${frank.host} can you hear me?`);
    await drained(frank, dave);
    expect(await findStatusByUri(dave.core, statusUri(frank, fromFrank))).toBeUndefined();
    expect(await findStatusByUri(frank.core, statusUri(dave, fromDave))).toBeUndefined();
    // A status that does arrive after all (here: fetched by id) still never reaches the blocker's home.
    expect((await homeFeed(frank)).map((row) => row.uri)).not.toContain(statusUri(dave, fromDave));
  });
});
