import type { RequestContext, UnverifiedActivityReason } from "@fedify/fedify";
import { Delete, type Activity } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../../core/context.ts";
import { forgetRemoteAccount } from "../../core/accounts/remote-account-deletion.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { isBlockedHost } from "../remote-statuses.ts";

const logger = getLogger(["hearth", "federation", "inbox"]);

/** Whether a key's id names a document of the actor's own: its #main-key, or a path under the actor's. */
function isActorsOwnKey(keyId: URL, actorId: URL): boolean {
  const document = new URL(keyId.href);
  document.hash = "";
  return document.href === actorId.href || (keyId.origin === actorId.origin && keyId.pathname.startsWith(`${actorId.pathname}/`));
}

/**
 * A deleted account's Delete of itself cannot be verified: its server answers 410 Gone for the key, as
 * Mastodon does for the account's whole actor document. That answer, from the actor's own server, is the
 * proof the signature would have been, so whoever sent the Delete, the account is forgotten (Fedify
 * answers every other unverifiable activity 401).
 */
export async function onUnverifiedActivity(
  ctx: RequestContext<CoreContext>,
  activity: Activity,
  reason: UnverifiedActivityReason,
): Promise<Response | undefined> {
  const actorId = activity.actorId;
  if (!(activity instanceof Delete) || !actorId || activity.objectId?.href !== actorId.href) return undefined;
  if (reason.type !== "keyFetchError" || !("status" in reason.result) || reason.result.status !== 410) return undefined;
  if (!isActorsOwnKey(reason.keyId, actorId) || (activity.id && activity.id.origin !== actorId.origin)) return undefined;
  if (!(await isBlockedHost(ctx.data, actorId))) {
    const account = await findAccountByUri(ctx.data, actorId.href);
    if (account && account.domain !== null && (await forgetRemoteAccount(ctx.data, account.id))) {
      logger.info("Forgot {actor}: its server deleted it.", { actor: actorId.href });
    }
  }
  return new Response(null, { status: 202 });
}
