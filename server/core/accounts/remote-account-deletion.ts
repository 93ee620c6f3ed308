import type { CoreContext } from "../context.ts";
import { announceRemovedStatus } from "../statuses/status-fan-out.ts";
import { removeStatus, type RemovedStatus } from "../statuses/status-store.ts";

/** Statuses removed per transaction: the inbox and the API wait on the one connection meanwhile. */
const STATUSES_PER_TRANSACTION = 200;

/**
 * Forgets a remote account whose server says it was deleted, as Mastodon does on the actor's Delete: its
 * statuses go the way each of its Deletes would have taken them (boosts of them too, and out of every feed
 * and stream), then the account row, which takes its follows both ways, blocks, mutes, favourites,
 * notifications and the rest with it. Its cached avatar and header are left to the media cleanup. False when
 * no such remote account is stored.
 */
export async function forgetRemoteAccount(ctx: CoreContext, accountId: string): Promise<boolean> {
  const account = await ctx.db.selectFrom("accounts").select(["id", "domain"]).where("id", "=", accountId).executeTakeFirst();
  if (!account || account.domain === null) return false;
  for (;;) {
    const { selected, removed } = await ctx.db.transaction().execute(async (trx) => {
      const batch = await trx.selectFrom("statuses").select("id").where("account_id", "=", accountId).orderBy("id").limit(STATUSES_PER_TRANSACTION).execute();
      const statuses: RemovedStatus[] = [];
      for (const { id } of batch) {
        // Undefined for its boost of its own status, gone already with that status.
        const status = await removeStatus(trx, id);
        if (status) statuses.push(status);
      }
      return { selected: batch.length, removed: statuses };
    });
    for (const status of removed) announceRemovedStatus(ctx, status);
    if (selected < STATUSES_PER_TRANSACTION) break;
  }
  await ctx.db.deleteFrom("accounts").where("id", "=", accountId).where("domain", "is not", null).execute();
  return true;
}
