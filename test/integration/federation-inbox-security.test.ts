import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { MAX_ANCESTOR_DEPTH } from "../../server/federation/remote-statuses.ts";
import { arrivedOn, drained, follow, knownOn, notificationsOf, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { signedSender, type SignedSender } from "../helpers/signed-requests.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { StatusRow } from "../../server/core/rows.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AS = "https://www.w3.org/ns/activitystreams";
const CONTEXT = [AS, { quoteUrl: "as:quoteUrl" }];

/**
 * gina runs Hearth; hal is the attacker, a peer writing activities by hand and signing them with hal's real
 * key (so Fedify's signature check passes); ivan is an honest third server whose things hal tries to touch.
 */
describe("federation on loopback: what another server may and may not do through our inbox", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let hal: TestInstance;
  let ivan: TestInstance;
  let halSends: SignedSender;
  let ivanSends: SignedSender;
  let ginaPost: StatusRow;

  beforeAll(async () => {
    group = await startInstances([{ username: "gina" }, { username: "hal" }, { username: "ivan" }]);
    [gina, hal, ivan] = group.instances as [TestInstance, TestInstance, TestInstance];
    halSends = await signedSender(hal);
    ivanSends = await signedSender(ivan);
    ginaPost = await postStatus(gina.core, { accountId: gina.owner.id, text: "a public post" }, { origin: gina.url });
  });
  afterAll(() => group?.close());

  const id = (on: TestInstance, kind: string) => `${on.url}/${kind}/${crypto.randomUUID()}`;
  const fromHal = (activity: Record<string, unknown>) => halSends.post(`${gina.url}/inbox`, { "@context": CONTEXT, actor: hal.actorUri, ...activity });
  const fromIvan = (activity: Record<string, unknown>) => ivanSends.post(`${gina.url}/inbox`, { "@context": CONTEXT, actor: ivan.actorUri, ...activity });
  async function accepted(response: Promise<Response>) {
    expect((await response).status).toBe(202);
    await drained(gina);
  }
  const favouritesOf = (status: StatusRow) => gina.core.db.selectFrom("favourites").selectAll().where("status_id", "=", status.id).execute();

  it("ignores an activity whose id is on another server than its actor, so hal cannot squat ivan's Like id", async () => {
    const likeId = id(ivan, "likes");
    await accepted(fromHal({ id: likeId, type: "Like", object: statusUri(gina, ginaPost) }));
    expect(await favouritesOf(ginaPost)).toEqual([]);
    // ivan's own Like with that id is then taken as it should be.
    await accepted(fromIvan({ id: likeId, type: "Like", object: statusUri(gina, ginaPost) }));
    const ivanOnGina = await knownOn(gina, ivan);
    expect((await favouritesOf(ginaPost)).map((row) => [row.account_id, row.uri])).toEqual([[ivanOnGina.id, likeId]]);
  });

  it("stores and notifies a Like delivered twice once, and an Undo of it by someone else changes nothing", async () => {
    const post = await postStatus(gina.core, { accountId: gina.owner.id, text: "like me twice" }, { origin: gina.url });
    const like = { id: id(hal, "likes"), type: "Like", object: statusUri(gina, post) };
    await accepted(fromHal(like));
    await accepted(fromHal(like));
    expect(await favouritesOf(post)).toHaveLength(1);
    const notified = (await notificationsOf(gina)).filter((n) => n.type === "favourite" && n.statusId === post.id);
    expect(notified).toHaveLength(1);
    // ivan undoes hal's Like, by id and embedded: neither is ivan's to undo.
    await accepted(fromIvan({ id: id(ivan, "undo"), type: "Undo", object: like.id }));
    await accepted(fromIvan({ id: id(ivan, "undo"), type: "Undo", object: { ...like, actor: hal.actorUri } }));
    expect(await favouritesOf(post)).toHaveLength(1);
  });

  it("remembers a Delete or Undo that arrives before what it takes back, as Mastodon does", async () => {
    const noteId = `${hal.actorUri}/statuses/${Date.now()}`;
    const note = { id: noteId, type: "Note", attributedTo: hal.actorUri, to: [PUBLIC], cc: [gina.actorUri], content: "<p>soon gone</p>", tag: [{ type: "Mention", href: gina.actorUri }] };
    await accepted(fromHal({ id: `${noteId}#delete`, type: "Delete", object: { id: noteId, type: "Tombstone" } }));
    await accepted(fromHal({ id: `${noteId}/activity`, type: "Create", object: note }));
    expect(await findStatusByUri(gina.core, noteId)).toBeUndefined();
    const post = await postStatus(gina.core, { accountId: gina.owner.id, text: "undo first" }, { origin: gina.url });
    const like = { id: id(hal, "likes"), type: "Like", object: statusUri(gina, post) };
    await accepted(fromHal({ id: id(hal, "undo"), type: "Undo", object: { ...like, actor: hal.actorUri } }));
    await accepted(fromHal(like));
    expect(await favouritesOf(post)).toEqual([]);
    expect((await notificationsOf(gina)).filter((n) => n.statusId === post.id)).toEqual([]);
  });

  it("lets no one but its author Update or Delete a status, even one on the sender's own host", async () => {
    await follow(gina, ivan);
    const real = await postStatus(ivan.core, { accountId: ivan.owner.id, text: "ivan's words", visibility: "public" }, { origin: ivan.url });
    const stored = await arrivedOn(gina, statusUri(ivan, real));
    const forged = { id: statusUri(ivan, real), type: "Note", attributedTo: ivan.actorUri, to: [PUBLIC], content: "<p>forged</p>", updated: new Date(Date.now() + 60_000).toISOString() };
    await accepted(fromHal({ id: id(hal, "update"), type: "Update", object: forged }));
    await accepted(fromHal({ id: id(hal, "delete"), type: "Delete", object: statusUri(ivan, real) }));
    // A status hal authored on hal's host, claimed for ivan, is not ivan's either.
    const halNote = { id: `${hal.actorUri}/statuses/9001`, type: "Note", attributedTo: ivan.actorUri, to: [PUBLIC], cc: [gina.actorUri], content: "<p>ivan says</p>" };
    await accepted(fromHal({ id: id(hal, "create"), type: "Create", object: halNote }));
    const after = await findStatusByUri(gina.core, statusUri(ivan, real));
    expect(after?.content).toBe(stored.content);
    expect(after?.edited_at).toBeNull();
    expect(await findStatusByUri(gina.core, halNote.id)).toBeUndefined();
    // hal sends first under the id ivan's Delete will have; ivan's Delete must still be taken.
    const deleteId = `${statusUri(ivan, real)}#delete`;
    await accepted(fromHal({ id: deleteId, type: "Like", object: statusUri(gina, ginaPost) }));
    await accepted(fromIvan({ id: deleteId, type: "Delete", object: { id: statusUri(ivan, real), type: "Tombstone" } }));
    expect(await findStatusByUri(gina.core, statusUri(ivan, real))).toBeUndefined();
  });

  it("does not take a remote Announce of a followers-only status of ours as a boost", async () => {
    const secret = await postStatus(gina.core, { accountId: gina.owner.id, text: "for followers", visibility: "private" }, { origin: gina.url });
    await follow(hal, gina);
    await accepted(fromHal({ id: id(hal, "announce"), type: "Announce", to: [PUBLIC], object: statusUri(gina, secret) }));
    const boosts = await gina.core.db.selectFrom("statuses").select("id").where("reblog_of_id", "=", secret.id).execute();
    expect(boosts).toEqual([]);
  });

  describe("votes", () => {
    const voteRows = (status: StatusRow) =>
      gina.core.db.selectFrom("poll_votes").innerJoin("polls", "polls.id", "poll_votes.poll_id").select(["poll_votes.choice", "poll_votes.account_id"]).where("polls.status_id", "=", status.id).execute();
    const vote = (status: StatusRow, name: string, extra: Record<string, unknown> = {}) => {
      const noteId = id(hal, "votes");
      const note = { id: noteId, type: "Note", name, attributedTo: hal.actorUri, to: [gina.actorUri], inReplyTo: statusUri(gina, status), ...extra };
      return fromHal({ id: `${noteId}/activity`, type: "Create", to: [gina.actorUri], object: note });
    };
    const poll = (visibility: "public" | "direct", multiple = false) =>
      postStatus(gina.core, { accountId: gina.owner.id, text: "pick", visibility, poll: { options: ["red", "blue"], expiresIn: 3600, multiple } }, { origin: gina.url });

    it("counts a vote on a single-choice poll once, and none that is out of range or attributed to someone else", async () => {
      const status = await poll("public");
      await accepted(vote(status, "green"));
      await accepted(vote(status, "red", { attributedTo: ivan.actorUri }));
      expect(await voteRows(status)).toEqual([]);
      await accepted(vote(status, "red"));
      await accepted(vote(status, "blue"));
      await accepted(vote(status, "red"));
      expect((await voteRows(status)).map((row) => row.choice)).toEqual([0]);
    });

    it("refuses a vote on a closed poll", async () => {
      const status = await poll("public");
      await gina.core.db.updateTable("polls").set({ closed_at: new Date().toISOString() }).where("status_id", "=", status.id).execute();
      await accepted(vote(status, "red"));
      expect(await voteRows(status)).toEqual([]);
    });

    it("refuses a vote from someone who may not see the poll (a voter would receive its later Updates)", async () => {
      const status = await poll("direct");
      await accepted(vote(status, "red"));
      expect(await voteRows(status)).toEqual([]);
    });
  });

  describe("serving our statuses", () => {
    let secret: StatusRow;
    beforeAll(async () => {
      await follow(ivan, gina);
      secret = await postStatus(gina.core, { accountId: gina.owner.id, text: "followers only words", visibility: "private" }, { origin: gina.url });
      await drained(gina, ivan, hal);
      // hal followed gina above; here hal is a signed stranger again.
      const halOnGina = await knownOn(gina, hal);
      await gina.core.db.deleteFrom("follows").where("account_id", "=", halOnGina.id).execute();
    });

    it("answers a followers-only status, its activity and replies to a signed follower only", async () => {
      const address = statusUri(gina, secret);
      for (const url of [address, `${address}/activity`, `${address}/replies`]) {
        expect((await fetch(url, { headers: { Accept: "application/activity+json" } })).status, `unsigned ${url}`).toBe(404);
        expect((await halSends.get(url)).status, `hal ${url}`).toBe(404);
        expect((await ivanSends.get(url)).status, `ivan ${url}`).toBe(200);
      }
    });

    it("never lists the followers-only status in the outbox or featured collections", async () => {
      for (const path of ["outbox?cursor=", "collections/featured"]) {
        const body = await (await halSends.get(`${gina.actorUri}/${path}`)).text();
        expect(body).not.toContain(secret.id);
        expect(body).not.toContain("followers only words");
      }
    });
  });

  it("lets no one Update, Move or Undo for another actor, nor Accept a follow addressed to someone else", async () => {
    const halOnGina = await knownOn(gina, hal);
    const ivanOnGina = await knownOn(gina, ivan);
    const followRow = (accountId: string, targetAccountId: string) =>
      gina.core.db.selectFrom("follows").selectAll().where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).executeTakeFirst();
    // Update(Person) of ivan, signed by hal.
    await accepted(fromHal({ id: id(hal, "update"), type: "Update", object: { id: ivan.actorUri, type: "Person", preferredUsername: "ivan", name: "Not Ivan", inbox: `${hal.url}/inbox` } }));
    expect((await knownOn(gina, ivan)).display_name).not.toBe("Not Ivan");
    // gina follows hal and ivan; hal moves ivan away, then moves itself to ivan, whose alsoKnownAs lacks hal.
    await follow(gina, hal);
    await accepted(fromHal({ id: id(hal, "move"), type: "Move", object: ivan.actorUri, target: hal.actorUri }));
    await accepted(fromHal({ id: id(hal, "move"), type: "Move", object: hal.actorUri, target: ivan.actorUri }));
    expect((await followRow(gina.owner.id, halOnGina.id))?.state).toBe("accepted");
    expect((await followRow(gina.owner.id, ivanOnGina.id))?.state).toBe("accepted");
    expect((await knownOn(gina, hal)).moved_to_uri).toBeNull();
    // gina's request to ivan is pending; hal accepts it, by its id and by an embedded Follow.
    const ivanFollow = await followRow(gina.owner.id, ivanOnGina.id);
    await gina.core.db.updateTable("follows").set({ state: "pending" }).where("id", "=", ivanFollow?.id ?? "").execute();
    await accepted(fromHal({ id: id(hal, "accept"), type: "Accept", object: ivanFollow?.uri }));
    await accepted(fromHal({ id: id(hal, "accept"), type: "Accept", object: { type: "Follow", actor: gina.actorUri, object: ivan.actorUri } }));
    expect((await followRow(gina.owner.id, ivanOnGina.id))?.state).toBe("pending");
    // ivan follows gina (from "serving our statuses"); hal undoes that Follow.
    const ivanFollowsGina = await followRow(ivanOnGina.id, gina.owner.id);
    expect(ivanFollowsGina).toBeDefined();
    await accepted(fromHal({ id: id(hal, "undo"), type: "Undo", object: ivanFollowsGina?.uri }));
    await accepted(fromHal({ id: id(hal, "undo"), type: "Undo", object: { id: ivanFollowsGina?.uri, type: "Follow", actor: ivan.actorUri, object: gina.actorUri } }));
    expect(await followRow(ivanOnGina.id, gina.owner.id)).toBeDefined();
  });

  describe("fetching threads", () => {
    let server: Server;
    let base: string;
    const requested: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        const path = request.url ?? "/";
        requested.push(path);
        const actor = `${base}/actor`;
        let body: Record<string, unknown> | null = null;
        if (path === "/actor") body = { "@context": AS, id: actor, type: "Person", preferredUsername: "tree", inbox: `${base}/inbox` };
        const number = /^\/notes\/(\d+)$/.exec(path)?.[1];
        // Note n answers note 2n and quotes note 2n+1: a binary tree, deeper than any bound.
        if (number !== undefined && Number(number) < 1 << 14) {
          const n = Number(number);
          body = { "@context": CONTEXT, id: `${base}${path}`, type: "Note", attributedTo: actor, to: [PUBLIC], content: `<p>${n}</p>`, inReplyTo: `${base}/notes/${2 * n}`, quoteUrl: `${base}/notes/${2 * n + 1}` };
        }
        if (path === "/loop") body = { "@context": AS, id: `${base}/loop`, type: "Note", attributedTo: actor, to: [PUBLIC], content: "<p>me again</p>", inReplyTo: `${base}/loop` };
        response.writeHead(body ? 200 : 404, { "Content-Type": "application/activity+json" });
        response.end(body ? JSON.stringify(body) : "");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("fetches a thread whose every reply also quotes within one bound, not one per branch", async () => {
      requested.length = 0;
      const resolved = await gina.core.ports.remote.resolveUrl(`${base}/notes/1`);
      expect(resolved?.kind).toBe("status");
      const notesFetched = new Set(requested.filter((path) => path.startsWith("/notes/")));
      // The ancestors up to the bound, and each one's quote: about 2 * MAX_ANCESTOR_DEPTH, never 2^depth.
      expect(notesFetched.size).toBeLessThanOrEqual(2 * MAX_ANCESTOR_DEPTH + 2);
      const stored = await gina.core.db.selectFrom("statuses").select("id").where("uri", "like", `${base}/%`).execute();
      expect(stored.length).toBeLessThanOrEqual(2 * MAX_ANCESTOR_DEPTH + 2);
    });

    it("stores a status that answers itself once, without a loop", async () => {
      requested.length = 0;
      const resolved = await waitFor(() => gina.core.ports.remote.resolveUrl(`${base}/loop`), { what: "the looping status" });
      const row = await findStatusByUri(gina.core, `${base}/loop`);
      expect(resolved).toEqual({ kind: "status", statusId: row?.id });
      expect(row?.in_reply_to_id).not.toBe(row?.id);
      expect(requested.filter((path) => path === "/loop").length).toBeLessThanOrEqual(MAX_ANCESTOR_DEPTH + 1);
    });
  });
});
