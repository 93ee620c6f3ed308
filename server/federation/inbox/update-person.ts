import type { InboxContext } from "@fedify/fedify";
import type { Actor, Update } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { storeActor } from "../remote-actors.ts";

/**
 * Update(Person) (or Service, Group, ...): an actor we know refreshes its own profile. Only the actor
 * itself may update it; an actor we never stored is not stored because it updated.
 */
export async function onUpdateActor(ctx: InboxContext<CoreContext>, update: Update, actor: Actor): Promise<void> {
  if (!actor.id || actor.id.href !== update.actorId?.href) return;
  const known = await findAccountByUri(ctx.data, actor.id.href);
  if (!known || known.domain === null) return;
  await storeActor(ctx, actor);
}
