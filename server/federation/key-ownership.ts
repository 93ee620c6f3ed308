import type { Context } from "@fedify/fedify";
import { Activity, isActor } from "@fedify/vocab";
import { isRecord, type JsonRecord } from "./convert/raw-json.ts";

/** Why an activity's proof or LD signature cannot speak for its actor, as the sender is told. */
export interface KeyOwnershipRefusal {
  status: 400 | 401;
  message: string;
}

/** Which list of an actor's document names a key: assertionMethod for proofs (FEP-8b32), publicKey for LD signatures. */
type KeyList = "assertionMethod" | "publicKey";

interface ListedKeys {
  assertionMethod: ReadonlySet<string>;
  publicKey: ReadonlySet<string>;
}

/**
 * Fedify 2.3.6 takes an Object Integrity Proof or a Linked Data signature as the word of whatever actor the
 * key's own document names as its controller (owner), and then skips the HTTP signature. A server can host
 * a key claiming another server's actor and so write in that actor's name. Here the key must be on the
 * actor's origin and listed in the actor's own document (fetched from the actor's id), for every actor the
 * activity names; otherwise it is refused, whatever the HTTP signature says.
 *
 * `contextOf` gives the federation context, asked for only when the activity must be read.
 *
 * Read the way Fedify's inbox reads it: the proofs of the activity parsed as JSON-LD (so a proof under
 * another term still counts), and the LD signature from the top-level `signature` the inbox detaches.
 */
export async function refuseForeignKeys(contextOf: () => Context<unknown>, json: unknown): Promise<KeyOwnershipRefusal | null> {
  if (!isRecord(json)) return null;
  const ldSignatureKey = ldSignatureCreator(json);
  if (ldSignatureKey === null && cannotHoldProofs(json)) return null;
  // Made only for an activity that is read here: a federation context builds its document and context loaders,
  // their caches' URL patterns with them, a tenth of an inbox activity's allocations when made for each (issue #19).
  const ctx = contextOf();
  const { signature: _detached, ...unsigned } = json;
  const loaders = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
  let activity: Activity;
  const proofKeys: URL[] = [];
  try {
    activity = await Activity.fromJsonLd(unsigned, loaders);
    for await (const proof of activity.getProofs(loaders)) {
      // A proof without a key verifies nothing, and Fedify then refuses the whole set of proofs.
      if (proof.verificationMethodId) proofKeys.push(proof.verificationMethodId);
    }
  } catch {
    // Also when a remote context or proof fails to load: Fedify's own attempt a moment later could succeed.
    return { status: 400, message: "The activity could not be read as an ActivityStreams activity." };
  }
  if (proofKeys.length === 0 && ldSignatureKey === null) return null;
  const actors = [...activity.actorIds, ...activity.attributionIds];
  const listed = listedKeysOf(ctx);
  if (proofKeys.length > 0) {
    const problem = await unownedKey(proofKeys, actors, listed, "assertionMethod");
    if (problem) return { status: 401, message: `The activity's proof ${problem}` };
  }
  if (ldSignatureKey !== null) {
    const problem = await unownedKey([ldSignatureKey], actors, listed, "publicKey");
    if (problem) return { status: 401, message: `The activity's Linked Data signature ${problem}` };
  }
  return null;
}

/** Contexts whose terms are known: neither defines a term for proofs (sec:proof) nor scopes contexts to types. */
const PROOFLESS_CONTEXTS: ReadonlySet<string> = new Set(["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]);
const TERM_DEFINITION_KEYS: ReadonlySet<string> = new Set(["@id", "@type", "@container"]);
const NODE_KEYWORDS: ReadonlySet<string> = new Set(["@context", "@id", "@type"]);

/**
 * Whether the activity provably carries no proof, so parsing it as JSON-LD here (Fedify parses it again a
 * moment later) can be spared: what most activities are (Mastodon's, with its inline term map). Only then:
 * every context is one of PROOFLESS_CONTEXTS or an inline map of plain terms (a string, or @id/@type/@container;
 * no keyword, @vocab, @prefix or scoped context), and neither it nor any top-level key says "proof" or a
 * security term, nor is a top-level key a compact IRI or a keyword other than @context, @id and @type. A
 * term expanding to sec:proof must spell "proof" somewhere, since an IRI is joined only at a prefix ending in
 * a delimiter ("#", "/", ":") and "proof" holds none; anything else is parsed as before.
 */
export function cannotHoldProofs(json: JsonRecord): boolean {
  const contexts = Array.isArray(json["@context"]) ? (json["@context"] as unknown[]) : [json["@context"]];
  for (const context of contexts) {
    if (typeof context === "string") {
      if (!PROOFLESS_CONTEXTS.has(context)) return false;
    } else if (!isRecord(context) || !isPlainTermMap(context)) return false;
  }
  return Object.keys(json).every((key) => (key.startsWith("@") ? NODE_KEYWORDS.has(key) : !key.includes(":") && !mentionsSecurity(key)));
}

function isPlainTermMap(context: JsonRecord): boolean {
  if (mentionsSecurity(JSON.stringify(context))) return false;
  return Object.entries(context).every(([term, definition]) => {
    if (term.startsWith("@")) return false;
    if (typeof definition === "string") return !definition.startsWith("@") || definition === "@id" || definition === "@type";
    return isRecord(definition) && Object.entries(definition).every(([key, value]) => TERM_DEFINITION_KEYS.has(key) && typeof value === "string");
  });
}

/** "proof" in any case, the security vocabulary by address, or its "sec" prefix (security/v1 defines it). */
function mentionsSecurity(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes("proof") || lower.includes("w3id.org/security") || lower.includes("sec:");
}

/** The key of a Linked Data signature where Fedify's inbox looks for one (a creator that is no URL verifies nothing). */
function ldSignatureCreator(json: JsonRecord): URL | null {
  const signature = json.signature;
  if (!isRecord(signature) || typeof signature.creator !== "string" || !URL.canParse(signature.creator)) return null;
  return new URL(signature.creator);
}

/**
 * Every key must be on the origin of an actor whose document lists it, and every actor must list one of
 * the keys: Fedify requires each actor to be some key's claimed controller, so one actor covered honestly
 * must not carry another one along.
 */
async function unownedKey(keys: URL[], actors: URL[], listed: (actor: URL) => Promise<ListedKeys | null>, list: KeyList): Promise<string | null> {
  if (actors.length === 0) return "speaks for no actor.";
  const owns = async (actor: URL, key: URL) => actor.origin === key.origin && ((await listed(actor))?.[list].has(key.href) ?? false);
  for (const key of keys) {
    if (!(await someAsync(actors, (actor) => owns(actor, key)))) {
      return `key ${key.href} is not listed (${list}) by ${actors.map((actor) => actor.href).join(", ")} on the actor's own server.`;
    }
  }
  for (const actor of actors) {
    if (!(await someAsync(keys, (key) => owns(actor, key)))) return `names ${actor.href}, whose own document (${list}) lists none of its keys.`;
  }
  return null;
}

async function someAsync<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}

/** The keys each actor's own document lists, fetched once per actor; null when it is not that actor's. */
function listedKeysOf(ctx: Context<unknown>): (actor: URL) => Promise<ListedKeys | null> {
  const fetched = new Map<string, Promise<ListedKeys | null>>();
  return (actor) => {
    let keys = fetched.get(actor.href);
    if (!keys) {
      keys = fetchListedKeys(ctx, actor);
      fetched.set(actor.href, keys);
    }
    return keys;
  };
}

async function fetchListedKeys(ctx: Context<unknown>, actorId: URL): Promise<ListedKeys | null> {
  // lookupObject refuses a document whose id is on another origin than where it was fetched from.
  const actor = await ctx.lookupObject(actorId, { crossOrigin: "ignore" }).catch(() => null);
  if (!isActor(actor) || actor.id?.href !== actorId.href) return null;
  return {
    assertionMethod: new Set(actor.assertionMethodIds.map((id) => id.href)),
    publicKey: new Set(actor.publicKeyIds.map((id) => id.href)),
  };
}
