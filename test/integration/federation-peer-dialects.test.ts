import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { drained, follow, notificationsOf, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { signedSender, type SignedSender } from "../helpers/signed-requests.ts";
import { waitFor } from "../helpers/wait-for.ts";
import type { StatusRow } from "../../server/core/rows.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  {
    toot: "http://joinmastodon.org/ns#",
    Emoji: "toot:Emoji",
    Hashtag: "as:Hashtag",
    sensitive: "as:sensitive",
    blurhash: "toot:blurhash",
    focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
    misskey: "https://misskey-hub.net/ns#",
    _misskey_reaction: "misskey:_misskey_reaction",
    litepub: "http://litepub.social/ns#",
    EmojiReact: "litepub:EmojiReact",
  },
];

/**
 * jo runs Hearth; kim's instance is used as a peer that writes its activities by hand, in the shapes
 * Mastodon, Misskey and Pleroma send, signed with kim's real key.
 */
describe("federation on loopback: activities in other servers' dialects", () => {
  let group: InstanceGroup;
  let jo: TestInstance;
  let kim: TestInstance;
  let kimSends: SignedSender;
  let joPost: StatusRow;

  beforeAll(async () => {
    group = await startInstances([{ username: "jo" }, { username: "kim" }]);
    [jo, kim] = group.instances as [TestInstance, TestInstance];
    kimSends = await signedSender(kim);
    joPost = await postStatus(jo.core, { accountId: jo.owner.id, text: "My first post" }, { origin: jo.url });
  });
  afterAll(() => group?.close());

  const id = (kind: string) => `${kim.url}/${kind}/${crypto.randomUUID()}`;
  const send = (activity: Record<string, unknown>) => kimSends.post(`${jo.url}/inbox`, { "@context": CONTEXT, actor: kim.actorUri, ...activity });

  async function accepted(activity: Record<string, unknown>) {
    expect((await send(activity)).status).toBe(202);
    await drained(jo);
  }

  const rows = {
    reactions: () => jo.core.db.selectFrom("reactions").selectAll().where("status_id", "=", joPost.id).execute(),
    favourites: () => jo.core.db.selectFrom("favourites").selectAll().where("status_id", "=", joPost.id).execute(),
    boosts: () => jo.core.db.selectFrom("statuses").selectAll().where("reblog_of_id", "=", joPost.id).execute(),
  };
  const notified = async (type: string) => (await notificationsOf(jo)).filter((n) => n.type === type && n.from === kim.actorUri);

  it("a Mastodon Note with a content warning, media (alt text, blurhash, focal point) and custom emoji", async () => {
    const note = {
      id: `${kim.actorUri}/statuses/1001`,
      type: "Note",
      attributedTo: kim.actorUri,
      to: [PUBLIC],
      cc: [`${kim.actorUri}/followers`, jo.actorUri],
      summary: "garden pics",
      sensitive: true,
      content: `<p><span class="h-card"><a href="${jo.url}/@jo" class="u-url mention">@<span>jo</span></a></span> look :kale:</p>`,
      contentMap: { en: "<p>look :kale:</p>" },
      attachment: [
        { type: "Document", mediaType: "image/png", url: `${kim.url}/media/kale.png`, name: "Kale in rows", blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", focalPoint: [0.5, -0.25], width: 800, height: 600 },
      ],
      tag: [
        { type: "Mention", href: jo.actorUri, name: `@jo@${jo.host}` },
        { type: "Emoji", id: `${kim.url}/emojis/kale`, name: ":kale:", icon: { type: "Image", mediaType: "image/png", url: `${kim.url}/emojis/kale.png` } },
      ],
    };
    await accepted({ id: `${note.id}/activity`, type: "Create", to: note.to, cc: note.cc, object: note });
    const status = await waitFor(() => findStatusByUri(jo.core, note.id), { what: "the Note" });
    expect(status).toMatchObject({ spoiler_text: "garden pics", sensitive: 1, language: "en", visibility: "public" });
    const media = await jo.core.db.selectFrom("media_attachments").selectAll().where("status_id", "=", status.id).execute();
    expect(media).toMatchObject([{ type: "image", remote_url: `${kim.url}/media/kale.png`, description: "Kale in rows", blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", focus_x: 0.5, focus_y: -0.25 }]);
    const emoji = await jo.core.db.selectFrom("custom_emojis").selectAll().where("shortcode", "=", "kale").executeTakeFirst();
    expect(emoji).toMatchObject({ domain: kim.host, image_url: `${kim.url}/emojis/kale.png` });
    expect((await notified("mention")).map((n) => n.statusId)).toEqual([status.id]);

    // The same Note again, in a Create with another id (a peer's retry, or a second inbox): stored and notified once.
    await accepted({ id: id("creates"), type: "Create", to: note.to, cc: note.cc, object: note });
    expect(await jo.core.db.selectFrom("statuses").select("id").where("uri", "=", note.id).execute()).toHaveLength(1);
    expect(await notified("mention")).toHaveLength(1);
  });

  it("a Note that concerns nobody here (author not followed, nobody of ours addressed) is not stored", async () => {
    const note = { id: `${kim.actorUri}/statuses/1002`, type: "Note", attributedTo: kim.actorUri, to: [PUBLIC], content: "<p>to the world</p>" };
    await accepted({ id: id("creates"), type: "Create", object: note });
    expect(await findStatusByUri(jo.core, note.id)).toBeUndefined();
  });

  it("a reply's missing ancestors are fetched from their server, ten levels up and no further", async () => {
    const chain: StatusRow[] = [];
    for (let level = 0; level < 12; level++) {
      chain.push(await postStatus(kim.core, { accountId: kim.owner.id, text: `level ${level}`, inReplyToId: chain.at(-1)?.id ?? null }, { origin: kim.url }));
    }
    const newest = chain.at(-1);
    if (!newest) throw new Error("no chain");
    // kim's own Note for the newest reply, as her server serves it, addressed to jo too so it concerns her.
    const note = (await (await fetch(statusUri(kim, newest), { headers: { Accept: "application/activity+json" } })).json()) as Record<string, unknown>;
    await accepted({ id: id("creates"), type: "Create", object: { ...note, "@context": undefined, cc: [jo.actorUri] } });
    const stored = await Promise.all(chain.map((status) => findStatusByUri(jo.core, statusUri(kim, status))));
    // The reply itself and the ten above it; level 0 is the eleventh ancestor.
    expect(stored.map((row) => row !== undefined)).toEqual([false, ...Array.from({ length: 11 }, () => true)]);
    expect(stored[11]?.in_reply_to_id).toBe(stored[10]?.id);
    expect(stored[1]?.in_reply_to_id).toBeNull();
    expect(stored[1]?.in_reply_to_uri).toBe(statusUri(kim, chain[0] as StatusRow));
  });

  it("a Like, sent twice, is one favourite and one notification; Undo by the Like's id alone removes it", async () => {
    const like = { id: id("likes"), type: "Like", object: statusUri(jo, joPost) };
    await accepted(like);
    // Redelivered under another activity id (Fedify already drops a repeated id): still one favourite.
    await accepted({ ...like, id: id("likes") });
    expect(await rows.favourites()).toHaveLength(1);
    expect(await notified("favourite")).toHaveLength(1);
    // The object is only an id that does not dereference, as Mastodon's Like ids do not.
    await accepted({ id: id("undos"), type: "Undo", object: like.id });
    expect(await rows.favourites()).toHaveLength(0);
    expect(await notified("favourite")).toHaveLength(0);
  });

  it("a Pleroma EmojiReact is a reaction with a notification, and its Undo takes it back", async () => {
    const react = { id: id("reacts"), type: "EmojiReact", content: "🔥", object: statusUri(jo, joPost) };
    await accepted(react);
    expect((await rows.reactions()).map((row) => row.name)).toEqual(["🔥"]);
    expect(await notified("reaction")).toHaveLength(1);
    await accepted({ id: id("undos"), type: "Undo", object: { ...react, actor: kim.actorUri } });
    expect(await rows.reactions()).toHaveLength(0);
  });

  it("a Misskey Like with a custom emoji reaction is a reaction, not a favourite; its Undo removes it", async () => {
    const like = {
      id: id("likes"),
      type: "Like",
      object: statusUri(jo, joPost),
      content: ":blobcat:",
      _misskey_reaction: ":blobcat:",
      tag: [{ type: "Emoji", id: `${kim.url}/emojis/blobcat`, name: ":blobcat:", icon: { type: "Image", url: `${kim.url}/emojis/blobcat.png` } }],
    };
    await accepted(like);
    const [reaction] = await rows.reactions();
    expect(reaction?.name).toBe("blobcat");
    expect(reaction?.custom_emoji_id).not.toBeNull();
    expect(await rows.favourites()).toHaveLength(0);
    // Misskey embeds the Like it takes back.
    await accepted({ id: id("undos"), type: "Undo", object: { ...like, actor: kim.actorUri } });
    expect(await rows.reactions()).toHaveLength(0);
  });

  it("an Announce of our status is a boost with a notification; Undo(Announce) removes both", async () => {
    const announce = { id: id("announces"), type: "Announce", to: [PUBLIC], cc: [`${kim.actorUri}/followers`], object: statusUri(jo, joPost) };
    await accepted(announce);
    expect(await rows.boosts()).toHaveLength(1);
    expect(await notified("reblog")).toHaveLength(1);
    await accepted({ id: id("undos"), type: "Undo", object: { ...announce, actor: kim.actorUri } });
    expect(await rows.boosts()).toHaveLength(0);
    expect(await notified("reblog")).toHaveLength(0);
  });

  it("someone else's Undo does not undo kim's act", async () => {
    const like = { id: id("likes"), type: "Like", object: statusUri(jo, joPost) };
    await accepted(like);
    // kim signs, but the Like inside claims jo did it: nothing of kim's (or jo's) is touched.
    await accepted({ id: id("undos"), type: "Undo", object: { ...like, actor: jo.actorUri } });
    expect(await rows.favourites()).toHaveLength(1);
  });

  it("a Flag naming jo and her status becomes a report, and jo (the owner) is told", async () => {
    await accepted({ id: id("flags"), type: "Flag", object: [jo.actorUri, statusUri(jo, joPost)], content: "spam <b>here</b>" });
    const reports = await jo.core.db.selectFrom("reports").selectAll().execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ target_account_id: jo.owner.id, comment: "spam here", status_ids_json: JSON.stringify([joPost.id]) });
    expect(await notified("admin.report")).toHaveLength(1);
  });

  it("Update(Person) refreshes the sender's profile; an Update of another actor is ignored", async () => {
    const person = await (await fetch(kim.actorUri, { headers: { Accept: "application/activity+json" } })).json();
    await accepted({ id: id("updates"), type: "Update", object: { ...(person as Record<string, unknown>), "@context": undefined, name: "Kim Renamed" } });
    expect((await findAccountByUri(jo.core, kim.actorUri))?.display_name).toBe("Kim Renamed");
    await accepted({ id: id("updates"), type: "Update", object: { id: `${kim.url}/users/someone`, type: "Person", name: "Nope", inbox: `${kim.url}/users/someone/inbox` } });
    expect(await findAccountByUri(jo.core, `${kim.url}/users/someone`)).toBeUndefined();
  });

  it("an Update of kim's Note edits it; a Delete removes it; a second Delete does nothing", async () => {
    const note = { id: `${kim.actorUri}/statuses/2002`, type: "Note", attributedTo: kim.actorUri, to: [PUBLIC], cc: [jo.actorUri], content: "<p>first</p>", published: "2024-10-01T00:00:00Z" };
    await accepted({ id: id("creates"), type: "Create", object: note });
    await accepted({ id: id("updates"), type: "Update", object: { ...note, content: "<p>second</p>", updated: "2024-10-01T01:00:00Z" } });
    const edited = await findStatusByUri(jo.core, note.id);
    expect(edited).toMatchObject({ content: "<p>second</p>", edited_at: "2024-10-01T01:00:00.000Z" });
    // An older Update arriving late changes nothing.
    await accepted({ id: id("updates"), type: "Update", object: { ...note, content: "<p>stale</p>", updated: "2024-10-01T00:30:00Z" } });
    expect((await findStatusByUri(jo.core, note.id))?.content).toBe("<p>second</p>");
    await accepted({ id: id("deletes"), type: "Delete", object: { id: note.id, type: "Tombstone" } });
    expect(await findStatusByUri(jo.core, note.id)).toBeUndefined();
    await accepted({ id: id("deletes"), type: "Delete", object: { id: note.id, type: "Tombstone" } });
    expect(await jo.isQueueEmpty()).toBe(true);
  });

  it("a followers-only status dereferences only for a follower who signs the request", async () => {
    const secret = await postStatus(jo.core, { accountId: jo.owner.id, text: "For my followers", visibility: "private" }, { origin: jo.url });
    const uri = statusUri(jo, secret);
    expect((await fetch(uri, { headers: { Accept: "application/activity+json" } })).status).toBe(404);
    expect((await kimSends.get(uri)).status).toBe(404);
    expect((await kimSends.get(`${uri}/activity`)).status).toBe(404);
    await follow(kim, jo);
    const note = await kimSends.get(uri);
    expect(note.status).toBe(200);
    expect(await note.json()).toMatchObject({ id: uri, type: "Note", to: `${jo.actorUri}/followers` });
    expect((await kimSends.get(`${uri}/activity`)).status).toBe(200);
  });
});
