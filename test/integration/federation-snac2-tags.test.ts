import type { mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { arrivedOn, drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { signedSender, type SignedSender } from "../helpers/signed-requests.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
const MASTODON_CONTEXT = [AS_CONTEXT, { toot: "http://joinmastodon.org/ns#", Emoji: "toot:Emoji", Hashtag: "as:Hashtag" }];

/**
 * jo runs Hearth; kim's instance stands in for a snac2 server: it sends Notes written by hand, signed with
 * kim's real key, whose @context is ActivityStreams' alone, as snac2 writes it, with Mastodon's Hashtag and
 * Emoji tags all the same.
 */
describe("hashtags and custom emoji from a peer whose @context lacks Mastodon's terms", () => {
  let group: InstanceGroup;
  let jo: TestInstance;
  let kim: TestInstance;
  let kimSends: SignedSender;
  let joUser: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "jo" }, { username: "kim" }]);
    [jo, kim] = group.instances as [TestInstance, TestInstance];
    kimSends = await signedSender(kim);
    joUser = await apiUser(jo.core, jo.url, jo.owner);
    // jo does not follow kim: the posts concern her because they are addressed to her, and come into her
    // home only through the hashtag she follows.
    await joUser.client.v1.tags.$select("tea").follow();
  });
  afterAll(() => group?.close());

  /** A Note from kim with a #Tea hashtag and a :blob: emoji, delivered to jo in a Create, as the status jo's client sees. */
  async function deliver(context: unknown, n: number): Promise<mastodon.v1.Status> {
    const note = {
      id: `${kim.actorUri}/p/${n}`,
      type: "Note",
      attributedTo: kim.actorUri,
      to: [PUBLIC],
      cc: [`${kim.actorUri}/followers`, jo.actorUri],
      content: `<p>Afternoon <a href="${kim.url}/?t=tea" rel="tag">#Tea</a> :blob: (${n})</p>`,
      published: new Date().toISOString(),
      tag: [
        { type: "Hashtag", name: "#Tea", href: `${kim.url}/?t=tea` },
        { type: "Emoji", name: ":blob:", icon: { type: "Image", mediaType: "image/png", url: `${kim.url}/s/blob.png` } },
      ],
    };
    const create = { "@context": context, id: `${note.id}/create`, type: "Create", actor: kim.actorUri, to: note.to, cc: note.cc, object: note };
    expect((await kimSends.post(`${jo.url}/inbox`, create)).status).toBe(202);
    await drained(jo);
    const row = await arrivedOn(jo, note.id);
    return joUser.client.v1.statuses.$select(row.id).fetch();
  }

  async function tagTimelineUris(): Promise<string[]> {
    return (await joUser.client.v1.timelines.tag.$select("tea").list({ limit: 40 })).map((status) => status.uri);
  }
  async function homeUris(): Promise<string[]> {
    return (await joUser.client.v1.timelines.home.list({ limit: 40 })).map((status) => status.uri);
  }

  it("a snac2 Note (ActivityStreams context only) has its tag and emoji, is in the tag's timeline and, followed, in home", async () => {
    const status = await deliver(AS_CONTEXT, 1);
    expect(status.tags.map((tag) => tag.name.toLowerCase())).toEqual(["tea"]);
    expect(status.emojis.map((emoji) => ({ shortcode: emoji.shortcode, url: emoji.url }))).toEqual([{ shortcode: "blob", url: expect.any(String) }]);
    expect(await tagTimelineUris()).toContain(status.uri);
    expect(await homeUris()).toContain(status.uri);
  });

  it("the same Note with Mastodon's context (the control) has the tag and the emoji once each", async () => {
    const status = await deliver(MASTODON_CONTEXT, 2);
    expect(status.tags.map((tag) => tag.name.toLowerCase())).toEqual(["tea"]);
    expect(status.emojis.map((emoji) => emoji.shortcode)).toEqual(["blob"]);
    expect(await tagTimelineUris()).toContain(status.uri);
    expect(await homeUris()).toContain(status.uri);
  });
});
