import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountConversationRow } from "../rows.ts";

/**
 * Direct conversations as each local participant sees them (Mastodon's /api/v1/conversations). They are
 * written as direct statuses are delivered (status-fan-out.ts); here they are read, marked read or removed.
 */

export type { AccountConversationRow };

/** The account's conversations, the most recently active first; paged by their last status, as Mastodon pages them. */
export async function listConversations(ctx: CoreContext, accountId: string, page: PageRequest): Promise<AccountConversationRow[]> {
  const query = ctx.db
    .selectFrom("account_conversations")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("last_status_id", "is not", null);
  return pageRows(await pageQuery(query, "last_status_id", page).execute(), page);
}

export async function getConversation(ctx: CoreContext, accountId: string, id: string): Promise<AccountConversationRow | undefined> {
  return ctx.db.selectFrom("account_conversations").selectAll().where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
}

export async function markConversationRead(ctx: CoreContext, accountId: string, id: string): Promise<AccountConversationRow | undefined> {
  return ctx.db
    .updateTable("account_conversations")
    .set({ unread: 0 })
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .returningAll()
    .executeTakeFirst();
}

/** Removes the conversation from the account's list (its statuses stay); false when there is no such conversation. */
export async function removeConversation(ctx: CoreContext, accountId: string, id: string): Promise<boolean> {
  const result = await ctx.db.deleteFrom("account_conversations").where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
