import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { write } from "../write.ts";

/** Private notes a local account keeps about other accounts: seen only by their writer, never federated. */

export const NOTE_MAX = 2000;

/** Sets (or, with an empty comment, removes) the note about an account. */
export async function setAccountNote(ctx: CoreContext, accountId: string, targetAccountId: string, comment: string): Promise<void> {
  if ([...comment].length > NOTE_MAX) throw new Invalid(`A note has at most ${NOTE_MAX} characters.`);
  if (comment.trim() === "") {
    await write(ctx, (trx) => trx.deleteFrom("account_notes").where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).execute());
    return;
  }
  const now = ctx.clock.now().toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("account_notes")
      .values({ account_id: accountId, target_account_id: targetAccountId, comment, updated_at: now })
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doUpdateSet({ comment, updated_at: now }))
      .execute(),
  );
}
