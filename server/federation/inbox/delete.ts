import type { InboxContext } from "@fedify/fedify";
import type { Delete } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import { forgetRemoteAccount } from "../../core/accounts/remote-account-deletion.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { recordRemoteDelete } from "../../core/statuses/remote-statuses.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";

const logger = getLogger(["hearth", "federation", "inbox"]);

/**
 * Delete of a status (its object a Tombstone or just the id), or of the actor itself. The object is never
 * fetched (it is gone), and a Delete from an account we never stored, of something we never stored, or of
 * someone else's status does nothing: servers send Deletes to everyone they ever federated with, so most
 * name nothing we have.
 */
export async function onDelete(ctx: InboxContext<CoreContext>, activity: Delete, gone: GoneBeforeArrival): Promise<void> {
  const actorId = activity.actorId;
  const objectId = activity.objectId;
  if (!actorId || !objectId || objectId.origin !== actorId.origin) return;
  const account = await findAccountByUri(ctx.data, actorId.href);
  if (objectId.href === actorId.href) {
    // Its server sends no Deletes of its statuses (Mastodon does not): they go with the account.
    if (account && account.domain !== null && (await forgetRemoteAccount(ctx.data, account.id))) {
      logger.info("Forgot {actor}: its server deleted it.", { actor: actorId.href });
    }
    return;
  }
  const deleted = account && account.domain !== null ? await recordRemoteDelete(ctx.data, account.id, objectId.href) : false;
  // Nothing deleted: the Delete may have overtaken its Create (gone-before-arrival.ts).
  if (!deleted) gone.remember(ctx, actorId, objectId.href);
}
