import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";

/**
 * The home feed as follows change (Mastodon's MergeWorker and UnmergeWorker): a new follow brings the
 * account's recent statuses in, an ended one takes them out. New statuses enter through status-fan-out.ts.
 */

type Db = Kysely<DatabaseSchema>;

// Mastodon merges a quarter of its 400-item feed.
const MERGE_LIMIT = 100;

/**
 * Brings `targetId`'s recent statuses into `accountId`'s home: not direct ones, not replies to others, and
 * boosts only when the follow shows them. Call inside the transaction that accepted the follow.
 */
export async function mergeIntoHome(trx: Db, accountId: string, targetId: string): Promise<void> {
  const follower = await trx.selectFrom("accounts").select("domain").where("id", "=", accountId).executeTakeFirst();
  if (!follower || follower.domain !== null) return;
  const follow = await trx
    .selectFrom("follows")
    .select("show_reblogs")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetId)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  if (!follow) return;
  let recent = trx
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", targetId)
    .where("visibility", "in", ["public", "unlisted", "private"])
    .where((eb) => eb.or([eb("in_reply_to_account_id", "is", null), eb("in_reply_to_account_id", "=", targetId), eb("in_reply_to_account_id", "=", accountId)]))
    .orderBy("id", "desc")
    .limit(MERGE_LIMIT);
  if (follow.show_reblogs === 0) recent = recent.where("reblog_of_id", "is", null);
  const rows = await recent.execute();
  if (rows.length === 0) return;
  await trx
    .insertInto("home_feed")
    .values(rows.map((row) => ({ account_id: accountId, status_id: row.id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Takes `targetId`'s statuses (and boosts) out of `accountId`'s home, when the follow ends. */
export async function unmergeFromHome(trx: Db, accountId: string, targetId: string): Promise<void> {
  await trx
    .deleteFrom("home_feed")
    .where("account_id", "=", accountId)
    .where("status_id", "in", (eb) => eb.selectFrom("statuses").select("statuses.id").where("statuses.account_id", "=", targetId))
    .execute();
}
