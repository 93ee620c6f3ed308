import type { Federation, RequestContext } from "@fedify/fedify";
import { Create, Note, Object as ApObject } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import { findAccountByUri } from "../core/accounts/remote-accounts.ts";
import { countPublicReplies, listPublicReplies } from "../core/peers/status-collections.ts";
import { statusUri } from "../core/statuses/status-addresses.ts";
import { loadStatusParts, type StatusParts } from "../core/peers/status-parts.ts";
import { canViewStatus } from "../core/visibility/status-visibility.ts";
import { STATUS_ACTIVITY_PATH, STATUS_PATH, STATUS_REPLIES_PATH, localAddresses } from "./addresses.ts";
import { createActivity, noteOf } from "./status-activities.ts";

// Mastodon's page size for a status's replies.
const REPLIES_PAGE_SIZE = 20;

/**
 * Whether the requester may read a status: public and unlisted ones anyone; followers-only and direct ones
 * only an actor who signed the request and may see it (a follower, someone mentioned), as Mastodon's
 * authorized fetch allows. Everyone else gets 404, so a private status's existence does not leak.
 */
async function mayRead(ctx: RequestContext<CoreContext>, parts: StatusParts): Promise<boolean> {
  if (parts.status.visibility === "public" || parts.status.visibility === "unlisted") return true;
  const owner = await ctx.getSignedKeyOwner().catch(() => null);
  if (!owner?.id) return false;
  const viewer = await findAccountByUri(ctx.data, owner.id.href);
  return viewer !== undefined && (await canViewStatus(ctx.data.db, parts.status, viewer.id));
}

/** The local status at /users/{identifier}/statuses/{id}, if it is that author's own post (not a boost). */
async function readableStatus(ctx: RequestContext<CoreContext>, identifier: string, id: string): Promise<StatusParts | null> {
  if (!/^\d{1,20}$/.test(id)) return null;
  const parts = await loadStatusParts(ctx.data, id);
  if (!parts || parts.status.local !== 1 || parts.author.domain !== null || parts.author.username !== identifier) return null;
  if (parts.reblogOf) return null;
  return (await mayRead(ctx, parts)) ? parts : null;
}

/**
 * Our statuses dereference as JSON-LD: the Note (or Question) at its id, its Create activity at
 * `${id}/activity`, and its public replies at `${id}/replies`.
 */
export function registerStatusObjects(federation: Federation<CoreContext>): void {
  // Registered for Object rather than Note: a status with a poll is a Question at the same address.
  federation.setObjectDispatcher(ApObject, STATUS_PATH, async (ctx, values) => {
    const parts = await readableStatus(ctx, values.identifier, values.id);
    return parts ? noteOf(localAddresses(ctx), parts) : null;
  });

  federation.setObjectDispatcher(Create, STATUS_ACTIVITY_PATH, async (ctx, values) => {
    const parts = await readableStatus(ctx, values.identifier, values.id);
    return parts ? createActivity(localAddresses(ctx), parts) : null;
  });

  federation
    .setCollectionDispatcher("replies", Note, STATUS_REPLIES_PATH, async (ctx, values, cursor) => {
      const parts = await readableStatus(ctx, values.identifier, values.id);
      if (!parts) return null;
      const page = await listPublicReplies(ctx.data, parts.status.id, { maxId: cursor || null, limit: cursor === null ? Number.MAX_SAFE_INTEGER : REPLIES_PAGE_SIZE });
      const origin = ctx.canonicalOrigin;
      // Items by id only, as Mastodon lists others' replies: a peer fetches what it does not have.
      return { items: page.items.map((reply) => new Note({ id: new URL(statusUri(reply, reply, origin)) })), nextCursor: page.nextMaxId };
    })
    .setCounter(async (ctx, values) => {
      const parts = await readableStatus(ctx, values.identifier, values.id);
      return parts ? countPublicReplies(ctx.data, parts.status.id) : null;
    })
    // Without a cursor Fedify answers the collection itself from the counter and this alone; null sends it
    // to the dispatcher, whose 404 keeps a private status's existence from the unauthorised.
    .setFirstCursor(async (ctx, values) => ((await readableStatus(ctx, values.identifier, values.id)) ? "" : null));
}
