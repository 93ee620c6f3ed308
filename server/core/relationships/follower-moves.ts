import type { CoreContext } from "../context.ts";
import { followAccount, unfollowAccount } from "./follows.ts";

/**
 * An account moved (ours or a peer's): each local follower of the old account follows the new one, keeping
 * its options, and stops following the old one, as Mastodon's MoveWorker does. Returns those followers.
 */
export async function moveLocalFollowers(ctx: CoreContext, fromAccountId: string, toAccountId: string, origin: string): Promise<string[]> {
  const followers = await ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(["follows.account_id", "follows.show_reblogs", "follows.notify"])
    .where("follows.target_account_id", "=", fromAccountId)
    .where("accounts.domain", "is", null)
    .execute();
  const moved: string[] = [];
  for (const follower of followers) {
    if (follower.account_id !== toAccountId) {
      try {
        await followAccount(ctx, follower.account_id, toAccountId, { origin, showReblogs: follower.show_reblogs === 1, notify: follower.notify === 1 });
      } catch {
        // A follower who blocks the new account (or is blocked by it) keeps neither follow, as on Mastodon.
      }
    }
    await unfollowAccount(ctx, follower.account_id, fromAccountId);
    moved.push(follower.account_id);
  }
  return moved;
}
