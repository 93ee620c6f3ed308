import type { InboxContext } from "@fedify/fedify";
import type { Delete } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { findAccountByUri } from "../../core/remote-accounts.ts";
import { recordRemoteDelete } from "../../core/remote-statuses.ts";
import { rememberGoneBeforeArrival } from "./gone-before-arrival.ts";

/**
 * Delete of a status (its object a Tombstone or just the id). The object is never fetched (it is gone), and
 * a Delete from an account we never stored, of something we never stored, or of someone else's status does
 * nothing: servers send Deletes to everyone they ever federated with, so most name nothing we have.
 */
export async function onDelete(ctx: InboxContext<CoreContext>, activity: Delete): Promise<void> {
  const actorId = activity.actorId;
  const objectId = activity.objectId;
  if (!actorId || !objectId || objectId.origin !== actorId.origin) return;
  // An actor deleting itself: its statuses stay until its server's Deletes of them (or the 410s) arrive.
  if (objectId.href === actorId.href) return;
  const account = await findAccountByUri(ctx.data, actorId.href);
  const deleted = account && account.domain !== null ? await recordRemoteDelete(ctx.data, account.id, objectId.href) : false;
  // Nothing deleted: the Delete may have overtaken its Create (gone-before-arrival.ts).
  if (!deleted) rememberGoneBeforeArrival(ctx, actorId, objectId.href);
}
