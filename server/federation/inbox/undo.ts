import type { InboxContext } from "@fedify/fedify";
import { Activity, Announce, Block, EmojiReact, Follow, Like, type Undo } from "@fedify/vocab";
import { recordBlockUndone } from "../../core/relationships/blocks.ts";
import type { CoreContext } from "../../core/context.ts";
import { removeFavourite } from "../../core/interactions/interactions.ts";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import { recordRemoteUnannounce, recordRemoteUnreact } from "../../core/interactions/remote-interactions.ts";
import { reactionOf } from "../convert/reaction.ts";
import { localAccountOf, localStatusOf } from "../remote-statuses.ts";
import { onUndoFollow } from "./follow.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";
import { activityLoaders } from "./loaders.ts";

/**
 * Undo of the sender's own Follow, Like (a favourite or a Misskey reaction), Announce, Block or EmojiReact,
 * dispatched by the type of the embedded object. When the object is only an id that does not dereference
 * (Like ids rarely do), whatever of the sender's carries that id is undone.
 */
export async function onUndo(ctx: InboxContext<CoreContext>, undo: Undo, gone: GoneBeforeArrival): Promise<void> {
  const actorId = undo.actorId;
  if (!actorId) return;
  const object = await undo.getObject(activityLoaders(ctx));
  if (object instanceof Follow || object === null) {
    await onUndoFollow(ctx, undo, object instanceof Follow ? object : null);
  }
  const account = await findAccountByUri(ctx.data, actorId.href);
  const uri = undo.objectId?.href ?? null;
  // An Undo of a Like, EmojiReact or Announce (or of an id) that finds nothing may have overtaken it.
  const mayOvertake = object === null || ((object instanceof Like || object instanceof EmojiReact || object instanceof Announce) && object.actorId?.href === actorId.href);
  let undone = false;
  if (!account || account.domain === null) {
    if (uri && mayOvertake) gone.remember(ctx, actorId, uri);
    return;
  }
  if (object === null) {
    undone = (await removeFavourite(ctx.data, { accountId: account.id, uri: uri ?? undefined })) !== undefined;
    undone = (await recordRemoteUnannounce(ctx.data, { accountId: account.id, uri })) || undone;
    undone = (await recordRemoteUnreact(ctx.data, { accountId: account.id, uri })) || undone;
    await recordBlockUndone(ctx.data, { accountId: account.id, uri });
  } else if (!(object instanceof Activity) || object.actorId?.href !== actorId.href) {
    // Only one's own act can be undone.
    return;
  } else if (object instanceof Like || object instanceof EmojiReact) {
    // A Like may have been a favourite or (Misskey) a reaction; the embedded copy has lost the raw JSON
    // that told which, so whatever of the sender's carries its id goes. Without an id, by the status.
    const status = uri ? undefined : await localStatusOf(ctx, object.objectId);
    const reaction = object instanceof EmojiReact ? await reactionOf(object, null, ctx.contextLoader) : null;
    if (object instanceof Like) undone = (await removeFavourite(ctx.data, { accountId: account.id, uri: uri ?? undefined, statusId: status?.id })) !== undefined;
    undone = (await recordRemoteUnreact(ctx.data, { accountId: account.id, uri, statusId: status?.id ?? null, name: reaction?.name ?? null })) || undone;
  } else if (object instanceof Announce) {
    const status = await localStatusOf(ctx, object.objectId);
    undone = await recordRemoteUnannounce(ctx.data, { accountId: account.id, uri, statusId: status?.id ?? null });
  } else if (object instanceof Block) {
    const target = await localAccountOf(ctx, object.objectId);
    await recordBlockUndone(ctx.data, { accountId: account.id, uri, targetAccountId: target?.id ?? null });
  }
  if (!undone && uri && mayOvertake) gone.remember(ctx, actorId, uri);
}
