import type { CoreContext } from "../context.ts";
import { removeStatus } from "../statuses/status-removal.ts";
import { emitStatusRemoved } from "../statuses/fan-out.ts";
import { write } from "../write.ts";

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
    const selected = await write(ctx, async (trx, after) => {
      const batch = await trx.selectFrom("statuses").select("id").where("account_id", "=", accountId).orderBy("id").limit(STATUSES_PER_TRANSACTION).execute();
      for (const { id } of batch) {
        // Undefined for its boost of its own status, gone already with that status.
        const status = await removeStatus(trx, id);
        if (status) emitStatusRemoved(after, status);
      }
      return batch.length;
    });
    if (selected < STATUSES_PER_TRANSACTION) break;
  }
  await write(ctx, (trx) => trx.deleteFrom("accounts").where("id", "=", accountId).where("domain", "is not", null).execute());
  return true;
}
