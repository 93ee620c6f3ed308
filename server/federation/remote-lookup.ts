import type { Context, Federation } from "@fedify/fedify";
import { isActor } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import type { RemoteLookupPort } from "../core/ports.ts";
import { isStatusObject } from "./convert/note-to-status-record.ts";
import { isPrivateHost } from "./private-hosts.ts";
import { webFingerOverHttp } from "./webfinger-over-http.ts";
import { storeActor } from "./remote-actors.ts";
import { fetchRemoteStatus } from "./remote-statuses.ts";

/**
 * core's RemoteLookupPort: a handle or a URL someone searched for, found on its server and stored. Apart
 * from remote-actors.ts and remote-statuses.ts because it needs both, and they need nothing of it.
 */

const ACTIVITY_PUB_TYPES = new Set([
  "application/activity+json",
  'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
]);

/** What the lookup reads of a WebFinger answer: its links. */
type Descriptor = Awaited<ReturnType<Context<CoreContext>["lookupWebFinger"]>>;

/**
 * WebFinger for acct:name@host. Fedify always asks https://host for an acct: resource; a peer on this
 * machine or a private network (tests, two instances side by side) speaks plain http, so with
 * --allow-private-network such hosts are first asked over http, for the same acct: resource Mastodon asks
 * for (snac2 answers nothing else), then over https.
 */
async function webFingerHandle(ctx: Context<CoreContext>, username: string, domain: string, allowPrivateNetwork: boolean): Promise<Descriptor> {
  const acct = `acct:${username}@${domain}`;
  if (allowPrivateNetwork && isPrivateHost(domain)) {
    const overHttp = await webFingerOverHttp(domain, acct);
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
    async refreshActor(uri, asUsername) {
      const ctx = deps.federation.createContext(new URL(deps.origin()), deps.core);
      // An account's own signed loader keeps no cache, unlike the federation's shared one.
      const documentLoader = await ctx.getDocumentLoader({ identifier: asUsername });
      const actor = await ctx.lookupObject(uri, { documentLoader }).catch(() => null);
      if (!actor || !isActor(actor) || actor.id?.href !== uri) return null;
      return storeActor(ctx, actor);
    },
  };
}
