import type { CoreContext } from "../context.ts";
import { isExcludedAccount, loadViewerExclusions } from "./status-visibility.ts";

/**
 * Who among those listening to a stream may be handed a status. The home feed was judged when the status
 * was delivered; public and hashtag streams reach everyone, so a viewer's blocks, mutes and domain blocks are
 * applied here, as Mastodon's streaming server applies them.
 */

/**
 * Whether the viewer blocks (or is blocked by) or mutes the author or anyone the status mentions, or blocks
 * the author's domain.
 */
export async function isHiddenFromPublicStreams(ctx: CoreContext, viewerId: string, statusId: string): Promise<boolean> {
  const status = await ctx.db
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["accounts.id", "accounts.domain"])
    .where("statuses.id", "=", statusId)
    .executeTakeFirst();
  if (!status) return true;
  if (status.id === viewerId) return false;
  const exclusions = await loadViewerExclusions(ctx.db, viewerId, ctx.clock.now().toISOString());
  if (isExcludedAccount(status, exclusions, true)) return true;
  const mentioned = await ctx.db.selectFrom("mentions").select("account_id").where("status_id", "=", statusId).execute();
  return mentioned.some((row) => exclusions.blocked.includes(row.account_id) || exclusions.muted.includes(row.account_id));
}

/** Whether the status's author is a member of the list (an edit reaches the lists its author is in). */
export async function isAuthorInList(ctx: CoreContext, listId: string, statusId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("statuses")
    .innerJoin("list_accounts", "list_accounts.account_id", "statuses.account_id")
    .select("statuses.id")
    .where("statuses.id", "=", statusId)
    .where("list_accounts.list_id", "=", listId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the list is the viewer's own: nobody may stream someone else's list. */
export async function isOwnList(ctx: CoreContext, accountId: string, listId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom("lists").select("id").where("id", "=", listId).where("account_id", "=", accountId).executeTakeFirst();
  return row !== undefined;
}
