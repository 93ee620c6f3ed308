import { describe, expect, it } from "vitest";
import { createSignInLockout, type AdmittedAttempt } from "../../server/core/auth/sign-in-lockout.ts";
import { manualClock } from "../helpers/core-database.ts";

const MINUTE = 60_000;

function admitted(lockout: ReturnType<typeof createSignInLockout>, accountId: string): AdmittedAttempt {
  const admission = lockout.admit(accountId);
  if (!admission.isAdmitted) throw new Error(`expected ${accountId} to be admitted`);
  return admission.attempt;
}

describe("the per-account sign-in lockout", () => {
  it("locks an account after `limit` failures in the window, until the oldest of them leaves it", () => {
    const clock = manualClock();
    const lockout = createSignInLockout({ limit: 3, periodSeconds: 15 * 60 }, clock);
    const firstFailure = clock.now().getTime();
    for (let i = 0; i < 3; i++) {
      admitted(lockout, "alice").failed();
      clock.advance(MINUTE);
    }
    const refused = lockout.admit("alice");
    expect(refused).toEqual({ isAdmitted: false, retryAt: new Date(firstFailure + 15 * MINUTE) });
    // Another account is not held up.
    expect(lockout.admit("bob").isAdmitted).toBe(true);

    clock.advance(15 * MINUTE - 3 * MINUTE - 1);
    expect(lockout.admit("alice").isAdmitted).toBe(false);
    clock.advance(1);
    // The first failure has left the window; the two later ones still count, so one more try is let through.
    admitted(lockout, "alice").failed();
    expect(lockout.admit("alice")).toEqual({ isAdmitted: false, retryAt: new Date(firstFailure + MINUTE + 15 * MINUTE) });
  });

  it("counts attempts still being checked, and gives their place back when they end without failing", () => {
    const lockout = createSignInLockout({ limit: 2, periodSeconds: 900 }, manualClock());
    const first = admitted(lockout, "alice");
    const second = admitted(lockout, "alice");
    expect(lockout.admit("alice").isAdmitted).toBe(false);
    first.ended();
    // Ending twice, or failing after ending, changes nothing.
    first.ended();
    first.failed();
    const third = admitted(lockout, "alice");
    second.failed();
    third.failed();
    expect(lockout.admit("alice").isAdmitted).toBe(false);
  });
});
