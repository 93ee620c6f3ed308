import { validatePassword } from "../accounts/accounts.ts";
import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import { write } from "../write.ts";
import { hashPassword } from "./passwords.ts";
import { checkOwnPassword } from "./sign-in.ts";
import type { SignInClient } from "./sign-in-failures.ts";
import type { SignInLockout } from "./sign-in-lockout.ts";

export interface PasswordChange {
  accountId: string;
  /** The token the change was asked with: it stays, every other token of the account is revoked. */
  keepTokenId: string;
  currentPassword: string;
  newPassword: string;
}

export type PasswordChangeOutcome = { kind: "changed"; revokedTokens: number } | { kind: "wrong" } | { kind: "locked"; retryAt: Date };

/**
 * A new password, as Mastodon's: the current one first, the same rules as at sign-up, and every other session
 * signed out (whoever may have learnt the old password may also hold a token made with it).
 */
export async function changePassword(ctx: CoreContext, lockout: SignInLockout, change: PasswordChange, client: SignInClient): Promise<PasswordChangeOutcome> {
  if (change.currentPassword === "") throw new Invalid("Type your current password to choose a new one.");
  validatePassword(change.newPassword);
  const check = await checkOwnPassword(ctx, lockout, change.accountId, change.currentPassword, client);
  if (check.kind !== "right") return check;
  if (change.newPassword === change.currentPassword) throw new Invalid("The new password is the one you have now; choose a different one.");
  const passwordHash = await hashPassword(change.newPassword);
  const revokedTokens = await write(ctx, async (trx) => {
    await trx.updateTable("local_users").set({ password_hash: passwordHash }).where("account_id", "=", change.accountId).execute();
    const result = await trx
      .updateTable("oauth_access_tokens")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("account_id", "=", change.accountId)
      .where("id", "!=", change.keepTokenId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
  return { kind: "changed", revokedTokens };
}
