import type { CoreContext } from "../context.ts";
import type { PasswordCheck } from "./sign-in.ts";
import type { SignInLockout } from "./sign-in-lockout.ts";
import { checkSecondFactor } from "./two-factor.ts";

/**
 * A two-factor code (or recovery code) given at sign-in or to turn two-factor off, under the same per-account
 * limit as passwords: a wrong code counts as a wrong password would, so a million guesses at six digits are
 * as slow as guesses at the password.
 */
export async function checkCodeLimited(ctx: CoreContext, lockout: SignInLockout, accountId: string, code: string): Promise<PasswordCheck> {
  const admission = lockout.admit(accountId);
  if (!admission.isAdmitted) return { kind: "locked", retryAt: admission.retryAt };
  const { attempt } = admission;
  try {
    if (await checkSecondFactor(ctx, accountId, code)) return { kind: "right" };
    attempt.failed();
    return { kind: "wrong" };
  } finally {
    attempt.ended();
  }
}
