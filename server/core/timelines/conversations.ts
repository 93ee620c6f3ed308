import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountConversationRow } from "../rows.ts";
import type { FanOutSubject } from "../statuses/fan-out-subject.ts";
import { write } from "../write.ts";

/**
 * Direct conversations as each local participant sees them (Mastodon's /api/v1/conversations). They are
 * written as direct statuses are fanned out (continueConversations, called by statuses/fan-out.ts); here they are
 * also read, marked read or removed.
 */

type Db = Kysely<DatabaseSchema>;

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
  return write(ctx, (trx) =>
    trx
      .updateTable("account_conversations")
      .set({ unread: 0 })
      .where("id", "=", id)
      .where("account_id", "=", accountId)
      .returningAll()
      .executeTakeFirst(),
  );
}

/** Removes the conversation from the account's list (its statuses stay); false when there is no such conversation. */
export async function removeConversation(ctx: CoreContext, accountId: string, id: string): Promise<boolean> {
  const result = await write(ctx, (trx) => trx.deleteFrom("account_conversations").where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst());
  return result.numDeletedRows > 0n;
}

/** Direct statuses continue a conversation for each local participant (Mastodon's AccountConversation). */
export async function continueConversations(ctx: CoreContext, trx: Db, subject: FanOutSubject): Promise<AccountConversationRow[]> {
  const { status, author } = subject;
  if (status.visibility !== "direct" || status.reblog_of_id || !status.conversation_id) return [];
  const participants = [author, ...subject.mentioned];
  const participantIds = [...new Set(participants.map((account) => account.id))];
  const now = ctx.clock.now().toISOString();
  const rows: AccountConversationRow[] = [];
  for (const account of participants) {
    if (account.domain !== null || rows.some((row) => row.account_id === account.id)) continue;
    if (account.id !== author.id) {
      const blocking = await trx.selectFrom("blocks").select("id").where("account_id", "=", account.id).where("target_account_id", "=", author.id).executeTakeFirst();
      if (blocking) continue;
    }
    const others = participantIds.filter((id) => id !== account.id);
    const existing = await trx
      .selectFrom("account_conversations")
      .selectAll()
      .where("account_id", "=", account.id)
      .where("conversation_id", "=", status.conversation_id)
      .executeTakeFirst();
    const unread = account.id === author.id ? 0 : 1;
    if (existing) {
      const known = JSON.parse(existing.participant_account_ids_json) as string[];
      const isNewer = existing.last_status_id === null || existing.last_status_id <= status.id;
      rows.push(
        await trx
          .updateTable("account_conversations")
          .set({
            participant_account_ids_json: JSON.stringify([...new Set([...known, ...others])]),
            last_status_id: isNewer ? status.id : existing.last_status_id,
            unread: isNewer ? unread : existing.unread,
            updated_at: now,
          })
          .where("id", "=", existing.id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    } else {
      rows.push(
        await trx
          .insertInto("account_conversations")
          .values({
            id: ctx.ids.next(),
            account_id: account.id,
            conversation_id: status.conversation_id,
            last_status_id: status.id,
            participant_account_ids_json: JSON.stringify(others),
            unread,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
  }
  return rows;
}
