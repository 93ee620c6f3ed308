import type { InboxContext } from "@fedify/fedify";
import { isActor, type Move } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { findLocalAccountByUsername } from "../../core/accounts/accounts.ts";
import type { AccountRow } from "../../core/rows.ts";
import { listLocalFollowerUsernames, recordMove } from "../../core/relationships/remote-relations.ts";
import { storeActor } from "../remote-actors.ts";

/**
 * Move: an account we know moved (its object is itself) to a new one. The new actor is fetched fresh and
 * signed, bypassing the document cache, because its alsoKnownAs listing the old account is the proof, and
 * it may have been set a moment ago. Then core moves our followers' follows (remote-relations.ts).
 */
export async function onMove(ctx: InboxContext<CoreContext>, move: Move): Promise<void> {
  const actorId = move.actorId;
  const targetId = move.targetId;
  if (!actorId || move.objectId?.href !== actorId.href || !targetId || targetId.href === actorId.href) return;
  const moved = await findAccountByUri(ctx.data, actorId.href);
  if (!moved || moved.domain === null) return;
  const [follower] = await listLocalFollowerUsernames(ctx.data, moved.id, 1);
  if (!follower) return;
  const targetAccount = await localTarget(ctx, targetId) ?? (await remoteTarget(ctx, targetId, follower));
  if (!targetAccount) return;
  await recordMove(ctx.data, { accountId: moved.id, targetAccountId: targetAccount.id, origin: ctx.canonicalOrigin, targetUri: targetId.href });
}

/** A move to one of our own accounts (moving in): its aliases are in our database, fresh by nature. */
async function localTarget(ctx: InboxContext<CoreContext>, targetId: URL): Promise<AccountRow | undefined> {
  const parsed = ctx.parseUri(targetId);
  if (parsed?.type !== "actor") return undefined;
  return findLocalAccountByUsername(ctx.data, parsed.identifier);
}

async function remoteTarget(ctx: InboxContext<CoreContext>, targetId: URL, follower: string): Promise<AccountRow | null> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: follower });
  const target = await ctx.lookupObject(targetId, { documentLoader }).catch(() => null);
  if (!target || !isActor(target) || target.id?.href !== targetId.href) return null;
  return storeActor(ctx, target);
}
