import type { InboxContext } from "@fedify/fedify";
import type { Block } from "@fedify/vocab";
import { recordIncomingBlock } from "../../core/relationships/blocks.ts";
import type { CoreContext } from "../../core/context.ts";
import { accountOfActivityActor } from "../remote-actors.ts";
import { localAccountOf } from "../remote-statuses.ts";

/** A remote account blocks one of ours: the follows between them end (blocks.ts), and the block is kept. */
export async function onBlock(ctx: InboxContext<CoreContext>, block: Block): Promise<void> {
  const target = await localAccountOf(ctx, block.objectId);
  if (!block.id || !target) return;
  const blocker = await accountOfActivityActor(ctx, block);
  if (!blocker) return;
  await recordIncomingBlock(ctx.data, { accountId: blocker.id, targetAccountId: target.id, uri: block.id.href });
}
