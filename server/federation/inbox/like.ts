import type { InboxContext } from "@fedify/fedify";
import type { Like } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { recordFavourite } from "../../core/interactions/interactions.ts";
import { recordRemoteReaction } from "../../core/interactions/remote-interactions.ts";
import { canViewStatus } from "../../core/visibility/status-visibility.ts";
import { reactionOf } from "../convert/reaction.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { localStatusOf } from "../remote-statuses.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";

/**
 * Like of one of our statuses: a favourite, or (Misskey's Like with `_misskey_reaction`) an emoji
 * reaction. Only statuses the liker may see; others' statuses are their servers' to count, as on Mastodon.
 */
export async function onLike(ctx: InboxContext<CoreContext>, like: Like, gone: GoneBeforeArrival): Promise<void> {
  const raw = await like.toJsonLd();
  const status = await localStatusOf(ctx, like.objectId);
  if (!like.id || !status || status.reblog_of_id !== null || gone.wasGone(ctx, like.actorId, like.id)) return;
  const account = await accountOfActivityActor(ctx, like);
  if (!account || !(await canViewStatus(ctx.data.db, status, account.id))) return;
  const reaction = await reactionOf(like, raw, ctx.contextLoader);
  if (reaction) {
    await recordRemoteReaction(ctx.data, { accountId: account.id, statusId: status.id, uri: like.id.href, ...reaction });
  } else {
    await recordFavourite(ctx.data, { accountId: account.id, statusId: status.id, uri: like.id.href });
  }
}
