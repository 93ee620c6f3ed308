import type { Context } from "@fedify/fedify";
import { Announce, Create, isActor, type DocumentLoader, type Link, type Object as ApObject } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import { findAccountByUri } from "../core/accounts/remote-accounts.ts";
import { recordRemoteAnnounce } from "../core/interactions/remote-interactions.ts";
import { findStatusByUri } from "../core/statuses/status-store.ts";
import { visibilityFromAudience } from "./convert/audience.ts";
import { instantToIso } from "./convert/embedded.ts";
import { isStatusObject } from "./convert/note-to-status-record.ts";
import { rawObjectWithId } from "./convert/raw-json.ts";
import { storeActor } from "./remote-actors.ts";
import { fetchRemoteStatus, isBlockedHost, localStatusOf, storeRemoteStatusObject } from "./remote-statuses.ts";
import type { AccountRow } from "../core/rows.ts";

/**
 * Statuses found while catching up (in an outbox, in a replies collection) are stored as if they had been
 * delivered: through the inbox's own storing (remote-statuses.ts), which stores a status once by its id and
 * notifies only when it stores it. So a post that reaches us both ways, by a peer's retry and by catching
 * up, is stored and notified once, whichever comes first.
 */

export type CatchUpOutcome = "stored" | "known" | "skipped";

export interface FetchScope {
  ctx: Context<CoreContext>;
  /** Signed as a local account (so followers-only posts come where the peer allows), and polite to each host. */
  documentLoader: DocumentLoader;
  /** The documents read so far as their servers sent them (raw-documents.ts): items' raw JSON is found there. */
  rawDocuments?: () => unknown[];
}

/** A boost by `owner`: the boosted status is fetched (and stored without notifying) when we lack it. */
async function storeAnnounce(scope: FetchScope, announce: Announce, owner: AccountRow): Promise<CatchUpOutcome> {
  const { ctx } = scope;
  const objectId = announce.objectId;
  if (announce.id === null || objectId === null) return "skipped";
  if (await findStatusByUri(ctx.data, announce.id.href)) return "known";
  const original = (await localStatusOf(ctx, objectId)) ?? (await fetchRemoteStatus(ctx, objectId));
  if (!original) return "skipped";
  const boost = await recordRemoteAnnounce(ctx.data, {
    accountId: owner.id,
    uri: announce.id.href,
    statusId: original.id,
    visibility: visibilityFromAudience(announce.toIds, announce.ccIds, owner.followers_url),
    createdAt: instantToIso(announce.published) ?? ctx.data.clock.now().toISOString(),
  });
  return boost ? "stored" : "skipped";
}

async function storeStatus(scope: FetchScope, object: ApObject, author: AccountRow, rawActivity: unknown): Promise<CatchUpOutcome> {
  if (!isStatusObject(object) || object.id === null) return "skipped";
  if (await findStatusByUri(scope.ctx.data, object.id.href)) return "known";
  // The documents as sent first: Fedify's toJsonLd() writes anew, without what it could not parse.
  const raw = rawObjectWithId(object.id.href, ...(scope.rawDocuments?.() ?? []), rawActivity, await object.toJsonLd().catch(() => null));
  const recorded = await storeRemoteStatusObject(scope.ctx, object, author, { raw });
  if (!recorded) return "skipped";
  return recorded.isNew ? "stored" : "known";
}

/**
 * One item of `owner`'s outbox: a Create of a status, or an Announce, by the owner and with an id on the
 * owner's server. Fedify has already refetched from its own origin any embedded object whose id is on
 * another host, and storeRemoteStatusObject refuses a status that does not live on its author's server.
 */
export async function storeOutboxItem(scope: FetchScope, item: ApObject | Link, owner: AccountRow): Promise<CatchUpOutcome> {
  if (!(item instanceof Create) && !(item instanceof Announce)) return "skipped";
  const ownerUri = owner.uri;
  if (ownerUri === null || item.id === null || item.id.origin !== new URL(ownerUri).origin) return "skipped";
  if (!item.actorIds.some((id) => id.href === ownerUri)) return "skipped";
  if (item instanceof Announce) return storeAnnounce(scope, item, owner);
  // The raw JSON first: reading the object can replace it with a fetched copy.
  const rawActivity = await item.toJsonLd().catch(() => null);
  const object = await item.getObject({ documentLoader: scope.documentLoader, contextLoader: scope.ctx.contextLoader, suppressError: true });
  return object ? storeStatus(scope, object, owner, rawActivity) : "skipped";
}

/** The remote author of an object found on its own (in a replies collection): on the object's origin, stored or fetched. */
async function authorOf(scope: FetchScope, object: ApObject): Promise<AccountRow | null> {
  const { ctx } = scope;
  const id = object.attributionIds[0];
  if (!id || !object.id || id.origin !== object.id.origin || (await isBlockedHost(ctx.data, id))) return null;
  const known = await findAccountByUri(ctx.data, id.href);
  if (known) return known;
  const actor = await ctx.lookupObject(id, { documentLoader: scope.documentLoader, crossOrigin: "ignore" }).catch(() => null);
  if (!actor || !isActor(actor) || actor.id?.href !== id.href) return null;
  return storeActor(ctx, actor);
}

/** A reply found in a replies collection, fetched from its own origin; its author is whom it is attributed to. */
export async function storeFoundReply(scope: FetchScope, object: ApObject): Promise<CatchUpOutcome> {
  if (!isStatusObject(object) || object.id === null) return "skipped";
  if (await findStatusByUri(scope.ctx.data, object.id.href)) return "known";
  const author = await authorOf(scope, object);
  if (!author) return "skipped";
  return storeStatus(scope, object, author, null);
}
