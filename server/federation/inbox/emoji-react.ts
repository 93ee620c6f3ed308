import type { InboxContext } from "@fedify/fedify";
import type { EmojiReact } from "@fedify/vocab";
import type { CoreContext } from "../../core/context.ts";
import { recordRemoteReaction } from "../../core/interactions/remote-interactions.ts";
import { canViewStatus } from "../../core/visibility/status-visibility.ts";
import { reactionOf } from "../convert/reaction.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { localStatusOf } from "../remote-statuses.ts";
import type { GoneBeforeArrival } from "./gone-before-arrival.ts";

/** EmojiReact (Pleroma, Akkoma, Misskey) on one of our statuses the reacting account may see. */
export async function onEmojiReact(ctx: InboxContext<CoreContext>, react: EmojiReact, gone: GoneBeforeArrival): Promise<void> {
  const raw = await react.toJsonLd();
  const status = await localStatusOf(ctx, react.objectId);
  if (!react.id || !status || status.reblog_of_id !== null || gone.wasGone(ctx, react.actorId, react.id)) return;
  const reaction = await reactionOf(react, raw, ctx.contextLoader);
  if (!reaction) return;
  const account = await accountOfActivityActor(ctx, react);
  if (!account || !(await canViewStatus(ctx.data.db, status, account.id))) return;
  await recordRemoteReaction(ctx.data, { accountId: account.id, statusId: status.id, uri: react.id.href, ...reaction });
}
