import type { Context } from "@fedify/fedify";
import type { Activity, Object as ApObject } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import { findAccountByUri, isStale, upsertRemoteAccount } from "../core/accounts/remote-accounts.ts";
import { actorToAccountRow } from "./convert/actor-to-account-row.ts";
import { readObjectTags } from "./convert/note-tags.ts";
import type { AccountRow } from "../core/rows.ts";

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
 * already checked that the signature belongs to this actor). `stored` is the row the caller already read
 * for the actor (or its absence), so it is not read again.
 */
export async function accountOfActivityActor(ctx: Context<CoreContext>, activity: Activity, stored?: AccountRow | null): Promise<AccountRow | null> {
  const actorId = activity.actorId;
  if (actorId === null) return null;
  const known = stored === undefined ? await findAccountByUri(ctx.data, actorId.href) : (stored ?? undefined);
  if (known && !isStale(ctx.data, known)) return known;
  const actor = await activity.getActor({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true });
  if (!actor || actor.id?.href !== actorId.href) return known ?? null;
  return (await storeActor(ctx, actor)) ?? known ?? null;
}
