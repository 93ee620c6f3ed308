import { randomBytes } from "node:crypto";
import { validatePassword } from "../accounts/accounts.ts";
import { accountMay } from "../accounts/roles.ts";
import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import { write } from "../write.ts";
import { hashPassword } from "./passwords.ts";

export interface PasswordReset {
  /** The new password: the one the owner typed, or one made here when none was given. */
  password: string;
  /** Whether it was made here, so the owner is shown it once to pass on. */
  isGenerated: boolean;
  revokedTokens: number;
}

/** Sixteen random bytes read as base64url: 22 characters, past any guessing and still typeable from a note. */
export function generatePassword(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * The owner sets a member's password (Mastodon's admin "reset password", with no e-mail to send a link by): the
 * same rules as at sign-up, and every session of the member signed out, since whoever made the reset needed may
 * hold one. The owner's own password is changed with the current one (password-change.ts), not here.
 */
export async function resetPassword(ctx: CoreContext, actorId: string, targetId: string, given: string | undefined): Promise<PasswordReset> {
  if (!(await accountMay(ctx, actorId, "manageRoles"))) throw new Forbidden("Only the owner of this instance can reset a member's password.");
  if (actorId === targetId) throw new Invalid("Change your own password in Settings → Security, with your current one.");
  const password = given ?? generatePassword();
  validatePassword(password);
  const passwordHash = await hashPassword(password);
  const revokedTokens = await write(ctx, async (trx) => {
    const user = await trx.selectFrom("local_users").select("account_id").where("account_id", "=", targetId).executeTakeFirst();
    if (!user) throw new NotFound("There is no local account with that id.");
    await trx.updateTable("local_users").set({ password_hash: passwordHash }).where("account_id", "=", targetId).execute();
    const result = await trx
      .updateTable("oauth_access_tokens")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("account_id", "=", targetId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
  return { password, isGenerated: given === undefined, revokedTokens };
}
