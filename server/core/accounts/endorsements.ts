import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountRow, EndorsementRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Endorsements ("feature on profile"): accounts a local account recommends. As on Mastodon, only accounts
 * it follows can be endorsed.
 */


// Mastodon's AccountPin limit.
export const MAX_ENDORSEMENTS = 5;

export async function endorseAccount(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<void> {
  await write(ctx, async (trx) => {
    const follow = await trx
      .selectFrom("follows")
      .select("id")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetAccountId)
      .where("state", "=", "accepted")
      .executeTakeFirst();
    if (!follow) throw new Invalid("You can only feature accounts you follow.");
    const existing = await trx.selectFrom("account_endorsements").select("id").where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).executeTakeFirst();
    if (existing) return;
    const count = await trx.selectFrom("account_endorsements").select((eb) => eb.fn.countAll<number>().as("count")).where("account_id", "=", accountId).executeTakeFirstOrThrow();
    if (Number(count.count) >= MAX_ENDORSEMENTS) throw new Invalid(`You can feature at most ${MAX_ENDORSEMENTS} accounts.`);
    const now = ctx.clock.now();
    await trx.insertInto("account_endorsements").values({ id: ctx.ids.next(now), account_id: accountId, target_account_id: targetAccountId, created_at: now.toISOString() }).execute();
  });
}

export async function unendorseAccount(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("account_endorsements").where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).execute());
}

/** The accounts an account features, newest first, paged by endorsement id. */
export async function listEndorsements(ctx: CoreContext, accountId: string, page: PageRequest): Promise<Array<{ endorsement: EndorsementRow; account: AccountRow }>> {
  const rows = await pageQuery(
    ctx.db
      .selectFrom("account_endorsements")
      .innerJoin("accounts", "accounts.id", "account_endorsements.target_account_id")
      .selectAll("accounts")
      .select(["account_endorsements.id as endorsement_id", "account_endorsements.created_at as endorsement_created_at"])
      .where("account_endorsements.account_id", "=", accountId),
    "account_endorsements.id",
    page,
  ).execute();
  return pageRows(rows, page).map(({ endorsement_id, endorsement_created_at, ...account }) => ({
    endorsement: { id: endorsement_id, account_id: accountId, target_account_id: account.id, created_at: endorsement_created_at },
    account,
  }));
}
