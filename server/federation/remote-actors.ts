import type { Context, Federation } from "@fedify/fedify";
import { isActor, type Activity, type Object as ApObject } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import type { RemoteLookupPort } from "../core/ports.ts";
import { findAccountByUri, isStale, upsertRemoteAccount } from "../core/accounts/remote-accounts.ts";
import { actorToAccountRow } from "./convert/actor-to-account-row.ts";
import { readObjectTags } from "./convert/note-tags.ts";
import { isStatusObject } from "./convert/note-to-status-record.ts";
// remote-statuses.ts uses storeActor from here too; the two only call each other inside functions.
import { fetchRemoteStatus } from "./remote-statuses.ts";
import { isPrivateHost } from "./private-hosts.ts";
import type { AccountRow } from "../core/rows.ts";

const ACTIVITY_PUB_TYPES = new Set([
  "application/activity+json",
  'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
]);

/** Stores (or refreshes) a remote actor. The domain is the handle's when WebFinger named one. */
export async function storeActor(ctx: Context<CoreContext>, actor: ApObject, domain?: string): Promise<AccountRow | null> {
  if (actor.id === null || actor.id.origin === new URL(ctx.canonicalOrigin).origin) return null;
  const known = await findAccountByUri(ctx.data, actor.id.href);
  const fields = await actorToAccountRow(actor, {
    // A refresh from an activity keeps the handle domain an earlier WebFinger lookup established.
    domain: domain ?? known?.domain ?? undefined,
    documentLoader: ctx.documentLoader,
    contextLoader: ctx.contextLoader,
  });
  if (!fields) return null;
  // A profile's Emoji tags are read as a note's are: only the embedded ones, bounded.
  const { emojis } = await readObjectTags(actor, ctx.contextLoader).catch(() => ({ emojis: [] }));
  return upsertRemoteAccount(ctx.data, fields, emojis);
}

/**
 * The account of whoever sent an activity: as stored while fresh, else fetched from its id (Fedify has
 * already checked that the signature belongs to this actor).
 */
export async function accountOfActivityActor(ctx: Context<CoreContext>, activity: Activity): Promise<AccountRow | null> {
  const actorId = activity.actorId;
  if (actorId === null) return null;
  const known = await findAccountByUri(ctx.data, actorId.href);
  if (known && !isStale(ctx.data, known)) return known;
  const actor = await activity.getActor({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true });
  if (!actor || actor.id?.href !== actorId.href) return known ?? null;
  return (await storeActor(ctx, actor)) ?? known ?? null;
}

/**
 * WebFinger for acct:name@host. Fedify always asks https://host for an acct: resource; a peer on this
 * machine or a private network (tests, two instances side by side) speaks plain http, so with
 * --allow-private-network such hosts are asked over http first, through the profile URL (which Hearth
 * and Mastodon both answer WebFinger for), then over https.
 */
async function webFingerHandle(ctx: Context<CoreContext>, username: string, domain: string, allowPrivateNetwork: boolean) {
  const acct = `acct:${username}@${domain}`;
  if (allowPrivateNetwork && isPrivateHost(domain)) {
    const overHttp = await ctx.lookupWebFinger(new URL(`http://${domain}/@${encodeURIComponent(username)}`));
    if (overHttp) return overHttp;
  }
  return ctx.lookupWebFinger(acct);
}

export interface RemoteLookupDependencies {
  federation: Federation<CoreContext>;
  core: CoreContext;
  origin(): string;
  allowPrivateNetwork: boolean;
}

export function createRemoteLookup(deps: RemoteLookupDependencies): RemoteLookupPort {
  return {
    async resolveHandle(username, domain) {
      const ctx = deps.federation.createContext(new URL(deps.origin()), deps.core);
      const descriptor = await webFingerHandle(ctx, username, domain, deps.allowPrivateNetwork);
      const self = descriptor?.links?.find((link) => link.rel === "self" && link.type && ACTIVITY_PUB_TYPES.has(link.type) && link.href);
      if (!self?.href) return null;
      // Fedify's lookup refuses a document whose id is on another host than the one it came from.
      const actor = await ctx.lookupObject(self.href, { crossOrigin: "ignore" });
      if (!actor || !isActor(actor)) return null;
      // The server the handle names vouched for this actor; it must also call itself by that name.
      if (actor.preferredUsername?.toString().toLowerCase() !== username.toLowerCase()) return null;
      return storeActor(ctx, actor, domain);
    },
    async resolveUrl(url) {
      const ctx = deps.federation.createContext(new URL(deps.origin()), deps.core);
      // A profile page's URL leads to the actor through content negotiation or its alternate link.
      const object = await ctx.lookupObject(url, { crossOrigin: "ignore" }).catch(() => null);
      if (!object || object.id === null) return null;
      if (isActor(object)) {
        const account = await storeActor(ctx, object);
        return account ? { kind: "account", account } : null;
      }
      if (isStatusObject(object)) {
        // Stored by its id, as a reply's parent would be (the URL may have been the post's page).
        const status = await fetchRemoteStatus(ctx, object.id);
        return status ? { kind: "status", statusId: status.id } : null;
      }
      return null;
    },
  };
}
