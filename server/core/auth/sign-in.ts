import type { CoreContext } from "../context.ts";
import { findLocalAccountByUsername, getLocalUser } from "../accounts/accounts.ts";
import { signInRefusal } from "../moderation/account-actions.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { AccountRow } from "../rows.ts";
import { recordSignInFailure, type SignInClient } from "./sign-in-failures.ts";
import type { SignInLockout } from "./sign-in-lockout.ts";

// Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

export type SignInOutcome =
  | { kind: "signed-in"; account: AccountRow }
  | { kind: "wrong" }
  /** Too many wrong passwords for this account lately: not even checked, until retryAt. */
  | { kind: "locked"; username: string; retryAt: Date }
  /** The right password for an account moderators suspended or disabled, or one that was deleted: why, in one sentence. */
  | { kind: "refused"; reason: string };

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Every check of a password goes through here (the OAuth sign-in form; the CLI works on the data directory and
 * needs none). A wrong one is recorded for the owner and counted against its account in `lockout`; an account
 * past its limit is refused without looking at the password, so a right guess then tells the guesser nothing.
 */
export async function signIn(ctx: CoreContext, lockout: SignInLockout, credentials: Credentials, client: SignInClient): Promise<SignInOutcome> {
  const { username, password } = credentials;
  const account = await findLocalAccountByUsername(ctx, username);
  const user = account ? await getLocalUser(ctx, account.id) : undefined;
  if (!account || !user) {
    decoyHash ??= hashPassword("decoy password for unknown usernames");
    await verifyPassword(password, await decoyHash);
    await recordSignInFailure(ctx, username, client);
    return { kind: "wrong" };
  }
  const admission = lockout.admit(account.id);
  if (!admission.isAdmitted) return { kind: "locked", username: account.username, retryAt: admission.retryAt };
  const { attempt } = admission;
  try {
    if (await verifyPassword(password, user.password_hash)) {
      // Told only after the right password, so a guesser learns nothing of the account's standing.
      const reason = signInRefusal(account);
      return reason === undefined ? { kind: "signed-in", account } : { kind: "refused", reason };
    }
    attempt.failed();
  } finally {
    attempt.ended();
  }
  await recordSignInFailure(ctx, username, client);
  return { kind: "wrong" };
}
