import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockInstanceDomain, unblockInstanceDomain } from "../../server/core/moderation/instance-domain-blocks.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { drained, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { signedSender, type SignedSender } from "../helpers/signed-requests.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

describe("federation on loopback: bad statuses are answered without storing anything", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let hal: TestInstance;
  let ivan: TestInstance;
  let halSends: SignedSender;

  beforeAll(async () => {
    group = await startInstances([{ username: "gina" }, { username: "hal" }, { username: "ivan" }]);
    [gina, hal, ivan] = group.instances as [TestInstance, TestInstance, TestInstance];
    halSends = await signedSender(hal);
  });
  afterAll(() => group?.close());

  /** What gina has stored from elsewhere. */
  async function stored() {
    const count = async (query: string) => (await sql<{ count: number }>`${sql.raw(query)}`.execute(gina.core.db)).rows[0]?.count;
    return {
      statuses: await count("SELECT count(*) AS count FROM statuses"),
      accounts: await count("SELECT count(*) AS count FROM accounts WHERE domain IS NOT NULL"),
      notifications: await count("SELECT count(*) AS count FROM notifications"),
    };
  }
  const NOTHING = { statuses: 0, accounts: 0, notifications: 0 };

  function activityId() {
    return `${hal.url}/activities/${crypto.randomUUID()}`;
  }

  function note(extra: Record<string, unknown> = {}) {
    return {
      id: `${hal.actorUri}/statuses/${Date.now()}${Math.floor(Math.random() * 1000)}`,
      type: "Note",
      attributedTo: hal.actorUri,
      to: [PUBLIC],
      cc: [`${hal.actorUri}/followers`, gina.actorUri],
      content: "<p>hello</p>",
      tag: [{ type: "Mention", href: gina.actorUri, name: `@gina@${gina.host}` }],
      ...extra,
    };
  }

  function create(object: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return {
      "@context": ["https://www.w3.org/ns/activitystreams", { Hashtag: "as:Hashtag", sensitive: "as:sensitive" }],
      id: activityId(),
      type: "Create",
      actor: hal.actorUri,
      to: [PUBLIC],
      object,
      ...extra,
    };
  }

  function signedPost(body: unknown): Promise<Response> {
    return halSends.post(`${gina.url}/inbox`, body);
  }

  async function settled() {
    await drained(gina, hal);
  }

  it("answers an unsigned Create with 401", async () => {
    const response = await fetch(`${gina.url}/inbox`, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: JSON.stringify(create(note())) });
    expect(response.status).toBe(401);
    expect(await stored()).toEqual(NOTHING);
  });

  it("rejects a Create signed by hal that claims another actor", async () => {
    const someoneElse = `${ivan.actorUri}`;
    const response = await signedPost(create(note({ attributedTo: someoneElse }), { actor: someoneElse }));
    expect(response.status).toBe(401);
    await settled();
    expect(await stored()).toEqual(NOTHING);
  });

  it("refuses an object whose id is on another host than the document it came in", async () => {
    const real = await postStatus(ivan.core, { accountId: ivan.owner.id, text: "the real words" }, { origin: ivan.url });
    // The embedded copy claims ivan's status but says something else; gina fetches the real one from ivan,
    // which is not hal's to deliver.
    const forged = note({ id: statusUri(ivan, real), content: "<p>forged words</p>" });
    expect((await signedPost(create(forged))).status).toBe(202);
    const elsewhere = note({ id: "http://127.0.0.2:9/notes/1", content: "<p>from nowhere</p>" });
    expect((await signedPost(create(elsewhere))).status).toBe(202);
    await settled();
    expect(await findStatusByUri(gina.core, statusUri(ivan, real))).toBeUndefined();
    expect(await findStatusByUri(gina.core, "http://127.0.0.2:9/notes/1")).toBeUndefined();
    expect((await stored()).statuses).toBe(0);
  });

  it("ignores a Create from a blocked domain (202, nothing stored), and takes the same one once unblocked", async () => {
    await blockInstanceDomain(gina.core, hal.host);
    const object = note();
    expect((await signedPost(create(object))).status).toBe(202);
    await settled();
    expect(await stored()).toEqual(NOTHING);
    await unblockInstanceDomain(gina.core, hal.host);
    expect((await signedPost(create(object))).status).toBe(202);
    await waitFor(() => findStatusByUri(gina.core, object.id), { what: "the same Create once unblocked" });
    await gina.core.db.deleteFrom("statuses").execute();
    await gina.core.db.deleteFrom("notifications").execute();
    await gina.core.db.deleteFrom("accounts").where("domain", "is not", null).execute();
  });

  it("refuses a body over 1 MB with 413", async () => {
    const response = await signedPost(create(note({ content: "x".repeat(1024 * 1024) })));
    expect(response.status).toBe(413);
    expect(await stored()).toEqual(NOTHING);
  });

  it("survives JSON nested 10,000 deep and invalid JSON-LD, storing nothing", async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const nested = await signedPost(`{"@context":"https://www.w3.org/ns/activitystreams","id":"${activityId()}","type":"Create","actor":"${hal.actorUri}","object":${deep}}`);
    expect(nested.status).toBeLessThan(500);
    const badVersion = await signedPost({ ...create(note()), "@context": { "@version": 99 } });
    expect(badVersion.status).toBe(400);
    const unloadableContext = await signedPost({ ...create(note()), "@context": "https://context.invalid/nowhere" });
    expect(unloadableContext.status).toBe(400);
    const notJson = await signedPost("{ this is not json");
    expect(notJson.status).toBe(400);
    await settled();
    expect(await stored()).toEqual(NOTHING);
    expect((await fetch(`${gina.url}/healthz`)).status).toBe(200);
  });

  it("sanitises a Note with <script>, onerror= and javascript: links", async () => {
    const object = note({ content: '<p>hi<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">click</a></p>' });
    expect((await signedPost(create(object))).status).toBe(202);
    const status = await waitFor(() => findStatusByUri(gina.core, object.id), { what: "the Note" });
    expect(status.content).not.toMatch(/script|onerror|javascript:|<img/i);
    expect(status.content).toContain("click");
  });

  it("refuses a poll with 10,000 options and a post with 10,000 mentions before parsing them (400)", async () => {
    const before = await stored();
    const oneOf = Array.from({ length: 10_000 }, (_, i) => ({ type: "Note", name: `o${i}`, replies: { type: "Collection", totalItems: 0 } }));
    const poll = { ...note(), type: "Question", oneOf };
    expect((await signedPost(create(poll))).status).toBe(400);
    const tag = Array.from({ length: 10_000 }, (_, i) => ({ type: "Mention", href: `${hal.url}/users/nobody${i}` }));
    expect((await signedPost(create(note({ tag })))).status).toBe(400);
    await settled();
    expect(await stored()).toEqual(before);
  });

  it("bounds what a post within those limits makes us do: of 500 mentions, 50 are resolved; 499 options are refused", async () => {
    const tag = Array.from({ length: 499 }, (_, i) => ({ type: "Mention", href: `${hal.url}/users/nobody${i}` }));
    const mentions = note({ tag: [{ type: "Mention", href: gina.actorUri }, ...tag] });
    expect((await signedPost(create(mentions))).status).toBe(202);
    const status = await waitFor(() => findStatusByUri(gina.core, mentions.id), { what: "the post", timeoutMs: 30_000 });
    const mentionRows = await gina.core.db.selectFrom("mentions").select("account_id").where("status_id", "=", status.id).execute();
    // gina is mentioned; the 49 other mentions resolved name nobody (hal answers 404), and the rest are not tried.
    expect(mentionRows).toEqual([{ account_id: gina.owner.id }]);
    const oneOf = Array.from({ length: 499 }, (_, i) => ({ type: "Note", name: `o${i}`, replies: { type: "Collection", totalItems: 0 } }));
    const poll = { ...note(), type: "Question", oneOf };
    expect((await signedPost(create(poll))).status).toBe(202);
    await settled();
    expect(await findStatusByUri(gina.core, poll.id)).toBeUndefined();
  });

  it("does nothing for a Delete of something never stored, and does not retry it", async () => {
    const before = await stored();
    const response = await signedPost({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: activityId(),
      type: "Delete",
      actor: hal.actorUri,
      to: [PUBLIC],
      object: { id: `${hal.actorUri}/statuses/404404`, type: "Tombstone" },
    });
    expect(response.status).toBe(202);
    await settled();
    expect(await stored()).toEqual(before);
  });
});
