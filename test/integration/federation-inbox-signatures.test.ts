import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { drained } from "../helpers/federation-statuses.ts";
import { draftSignedRequest, rfc9421SignedRequest } from "../helpers/http-signatures.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { startKeyedPeer, type KeyedPeer, type PeerActor } from "../helpers/keyed-peer.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/**
 * gina runs Hearth; sam's server signs its requests by hand, covering what each test names. A signature
 * must cover what Mastodon requires of it, and its digest must be the body's; a signature header that
 * cannot be read is a 400, never a 500.
 */
describe("federation on loopback: what an HTTP signature must cover, and signature headers that cannot be read", () => {
  let group: InstanceGroup;
  let gina: TestInstance;
  let peer: KeyedPeer;
  let sam: PeerActor;
  let inbox: string;

  beforeAll(async () => {
    group = await startInstances([{ username: "gina" }]);
    [gina] = group.instances as [TestInstance];
    inbox = `${gina.url}/inbox`;
    peer = await startKeyedPeer();
    sam = await peer.addActor("sam");
  });
  afterAll(async () => {
    await group?.close();
    await peer?.close();
  });

  /** A Create(Note) by sam mentioning gina, as JSON: stored if the request is taken. */
  function create() {
    const noteId = `${sam.id.href}/statuses/${crypto.randomUUID()}`;
    const note = { id: noteId, type: "Note", attributedTo: sam.id.href, to: [PUBLIC], cc: [gina.actorUri], content: "<p>hi gina</p>", tag: [{ type: "Mention", href: gina.actorUri }] };
    return { noteId, body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${noteId}/activity`, type: "Create", actor: sam.id.href, to: [PUBLIC], cc: [gina.actorUri], object: note }) };
  }
  const activityJson = { "Content-Type": "application/activity+json" };

  async function refusedWith(status: 400 | 401, request: Request, noteId: string, says: RegExp) {
    const response = await fetch(request);
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(says);
    await drained(gina);
    expect(await findStatusByUri(gina.core, noteId)).toBeUndefined();
  }
  async function taken(request: Request, noteId: string) {
    const response = await fetch(request);
    expect(response.status).toBe(202);
    await waitFor(() => findStatusByUri(gina.core, noteId), { what: "the Note on gina" });
  }

  describe("draft-cavage", () => {
    it("takes a Mastodon-style signed delivery: (request-target) host date digest content-type", async () => {
      const { noteId, body } = create();
      await taken(await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered: ["(request-target)", "host", "date", "digest", "content-type"], headers: activityJson }), noteId);
    });

    it("takes a snac2-style signed delivery: (request-target) host digest date", async () => {
      const { noteId, body } = create();
      await taken(await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered: ["(request-target)", "host", "digest", "date"], headers: activityJson }), noteId);
    });

    for (const left of ["(request-target)", "host", "date", "digest"]) {
      it(`refuses a delivery whose signature leaves out ${left} (401)`, async () => {
        const { noteId, body } = create();
        const covered = ["(request-target)", "host", "date", "digest", "content-type"].filter((name) => name !== left);
        await refusedWith(401, await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered, headers: activityJson }), noteId, new RegExp(`leaves out ${left.replace(/[()]/g, "\\$&")}`));
      });
    }

    it("refuses a delivery whose signed digest is not the body's (401)", async () => {
      const { noteId, body } = create();
      const other = create();
      const digest = `SHA-256=${Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(other.body))).toString("base64")}`;
      const covered = ["(request-target)", "host", "date", "digest"];
      await refusedWith(401, await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered, headers: activityJson, digest }), noteId, /does not match the body/);
    });

    it("refuses a signed fetch that leaves out host (401), and answers one that covers it", async () => {
      const get = (covered: string[]) => draftSignedRequest(gina.actorUri, "GET", null, sam.rsa, { covered, headers: { Accept: "application/activity+json" } });
      const weak = await fetch(await get(["(request-target)", "date"]));
      expect(weak.status).toBe(401);
      expect(await weak.text()).toMatch(/leaves out host/);
      expect((await fetch(await get(["(request-target)", "host", "date"]))).status).toBe(200);
    });

    it("answers a garbage Date header with 400, not 500", async () => {
      const { noteId, body } = create();
      const covered = ["(request-target)", "host", "date", "digest"];
      await refusedWith(400, await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered, headers: activityJson, date: "yesterday-ish" }), noteId, /Date header .* is not a date/);
    });

    it("answers a created parameter no clock can hold, and a signature that is not base64, with 400", async () => {
      const { noteId, body } = create();
      const covered = ["(request-target)", "host", "date", "digest"];
      await refusedWith(400, await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered, headers: activityJson, parameters: ["created=99999999999999999999"] }), noteId, /created is not a time/);
      const request = await draftSignedRequest(inbox, "POST", body, sam.rsa, { covered, headers: activityJson });
      const headers = new Headers(request.headers);
      headers.set("Signature", (headers.get("Signature") ?? "").replace(/signature="[^"]*"/, 'signature="not*base64!"'));
      await refusedWith(400, new Request(inbox, { method: "POST", headers, body }), noteId, /not base64/);
    });
  });

  describe("RFC 9421", () => {
    it("takes a delivery covering @method, @target-uri and content-digest", async () => {
      const { noteId, body } = create();
      await taken(await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components: ["@method", "@target-uri", "content-digest"], headers: activityJson }), noteId);
    });

    it("takes a delivery covering @method, @authority, @path and content-digest", async () => {
      const { noteId, body } = create();
      await taken(await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components: ["@method", "@authority", "@path", "content-digest"], headers: activityJson }), noteId);
    });

    const cases: Array<[string, string[]]> = [
      ["@method", ["@target-uri", "content-digest"]],
      ["@target-uri", ["@method", "content-digest"]],
      ["@target-uri (with @authority but no @path)", ["@method", "@authority", "content-digest"]],
      ["content-digest", ["@method", "@target-uri"]],
    ];
    for (const [left, components] of cases) {
      it(`refuses a delivery whose signature leaves out ${left} (401)`, async () => {
        const { noteId, body } = create();
        await refusedWith(401, await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components, headers: activityJson }), noteId, /leaves out/);
      });
    }

    it("refuses a delivery whose Content-Digest is not the body's (401)", async () => {
      const { noteId, body } = create();
      const contentDigest = `sha-256=:${Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("something else"))).toString("base64")}:`;
      const request = await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components: ["@method", "@target-uri", "content-digest"], headers: activityJson, contentDigest });
      await refusedWith(401, request, noteId, /does not match the body/);
    });

    it("answers a Signature-Input whose label or created cannot be read with 400, not 500", async () => {
      const { noteId, body } = create();
      const components = ["@method", "@target-uri", "content-digest"];
      await refusedWith(400, await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components, headers: activityJson, created: -99_999_999_999_999 }), noteId, /created is not a time/);
      await refusedWith(400, await rfc9421SignedRequest(inbox, "POST", body, sam.rsa, { components, headers: activityJson, label: "Sig 1" }), noteId, /not a structured dictionary/);
    });
  });
});
