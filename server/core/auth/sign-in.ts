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

export type PasswordCheck = { kind: "right" } | { kind: "wrong" } | { kind: "locked"; retryAt: Date };

/**
 * The password of an account already signed in, asked again before something that would let a stolen token
 * keep the account (a new password, two-factor set up or turned off). It counts against the same per-account
 * limit as the sign-in form, so a token cannot be used to guess the password faster than the form can.
 */
export async function checkOwnPassword(ctx: CoreContext, lockout: SignInLockout, accountId: string, password: string, client: SignInClient): Promise<PasswordCheck> {
  const account = await getAccountForPassword(ctx, accountId);
  if (!account) return { kind: "wrong" };
  const admission = lockout.admit(accountId);
  if (!admission.isAdmitted) return { kind: "locked", retryAt: admission.retryAt };
  const { attempt } = admission;
  try {
    if (await verifyPassword(password, account.passwordHash)) return { kind: "right" };
    attempt.failed();
  } finally {
    attempt.ended();
  }
  await recordSignInFailure(ctx, account.username, client);
  return { kind: "wrong" };
}

async function getAccountForPassword(ctx: CoreContext, accountId: string): Promise<{ username: string; passwordHash: string } | undefined> {
  const row = await ctx.db
    .selectFrom("local_users")
    .innerJoin("accounts", "accounts.id", "local_users.account_id")
    .select(["accounts.username", "local_users.password_hash"])
    .where("local_users.account_id", "=", accountId)
    .executeTakeFirst();
  return row && { username: row.username, passwordHash: row.password_hash };
}
