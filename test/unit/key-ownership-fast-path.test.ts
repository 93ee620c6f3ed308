import type { Context } from "@fedify/fedify";
import { Activity } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { afterEach, describe, expect, it, vi } from "vitest";
import { refuseForeignKeys } from "../../server/federation/key-ownership.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const loader = getDocumentLoader();
/** No actor document is found: a proof found in an activity is then refused as not the actor's. */
const ctx = { documentLoader: loader, contextLoader: loader, lookupObject: async () => null } as unknown as Context<unknown>;
let contextsMade = 0;
/** The federation context, counted: making one builds Fedify's loaders, which an activity not read here never needs. */
const contextOf = () => (contextsMade++, ctx);

// Mastodon's inline term map, as its Create activities carry it.
const mastodonTerms = {
  ostatus: "http://ostatus.org#",
  atomUri: "ostatus:atomUri",
  sensitive: "as:sensitive",
  toot: "http://joinmastodon.org/ns#",
  focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
  featured: { "@id": "toot:featured", "@type": "@id" },
};

function create(context: unknown, extra: Record<string, unknown> = {}) {
  return {
    "@context": context,
    id: "https://peer.example/users/a/statuses/1/activity",
    type: "Create",
    actor: "https://peer.example/users/a",
    object: { id: "https://peer.example/users/a/statuses/1", type: "Note", content: "hello", attributedTo: "https://peer.example/users/a" },
    ...extra,
  };
}

const proof = {
  "@context": "https://w3id.org/security/data-integrity/v1",
  type: "DataIntegrityProof",
  cryptosuite: "eddsa-jcs-2022",
  verificationMethod: "https://elsewhere.example/keys/1",
  proofPurpose: "assertionMethod",
  proofValue: "z3FXQ",
  created: "2026-01-01T00:00:00Z",
};

describe("refuseForeignKeys without a second JSON-LD parse", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    contextsMade = 0;
  });

  it("passes an activity that cannot hold a proof without parsing it or making a federation context (ActivityStreams alone, or with Mastodon's terms)", async () => {
    const parse = vi.spyOn(Activity, "fromJsonLd");
    expect(await refuseForeignKeys(contextOf, create(AS))).toBeNull();
    expect(await refuseForeignKeys(contextOf, create([AS, "https://w3id.org/security/v1", mastodonTerms]))).toBeNull();
    expect(parse).not.toHaveBeenCalled();
    expect(contextsMade).toBe(0);
  });

  it.each([
    ["a proof under its own name", create([AS, "https://w3id.org/security/data-integrity/v1"], { proof: Object.fromEntries(Object.entries(proof).filter(([key]) => key !== "@context")) })],
    ["a proof under an inline alias", create([AS, { attest: { "@id": "https://w3id.org/security#proof", "@container": "@graph" } }], { attest: proof })],
    ["a proof under a compact IRI", create([AS, "https://w3id.org/security/v1"], { "sec:proof": proof })],
    ["a proof under an alias built from a prefix", create([AS, { s: "https://w3id.org/security#", attest: { "@id": "s:proof", "@container": "@graph" } }], { attest: proof })],
  ])("still parses, and refuses, %s whose key is not the actor's", async (_label, activity) => {
    const parse = vi.spyOn(Activity, "fromJsonLd");
    expect(await refuseForeignKeys(contextOf, activity)).toMatchObject({ status: 401 });
    expect(parse).toHaveBeenCalled();
    expect(contextsMade).toBe(1);
  });

  it.each([
    ["an unknown remote context", create([AS, "https://peer.example/context.jsonld"])],
    ["an inline context with @vocab", create([AS, { "@vocab": "https://peer.example/ns#" }])],
    ["an inline scoped context", create([AS, { Note: { "@id": "as:Note", "@context": { content: "as:summary" } } }])],
    ["a top-level @included", create(AS, { "@included": [] })],
  ])("parses as before an activity with %s", async (_label, activity) => {
    const parse = vi.spyOn(Activity, "fromJsonLd").mockRejectedValue(new Error("stands in for the parse"));
    expect(await refuseForeignKeys(contextOf, activity)).toMatchObject({ status: 400 });
    expect(parse).toHaveBeenCalled();
  });
});
