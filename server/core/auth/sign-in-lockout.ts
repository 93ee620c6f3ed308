import type { Clock } from "../clock.ts";

/** At most `limit` wrong passwords for one account within any `periodSeconds`. */
export interface SignInLockoutRule {
  limit: number;
  periodSeconds: number;
}

/** An attempt admitted to check its password; it holds a place in its account's count until it ends. */
export interface AdmittedAttempt {
  /** The password was wrong: the attempt stays counted, as a failure at this time. */
  failed(): void;
  /** The password was right (or never checked): the attempt's place is given back, and nothing else changes. */
  ended(): void;
}

export type Admission = { isAdmitted: true; attempt: AdmittedAttempt } | { isAdmitted: false; retryAt: Date };

export interface SignInLockout {
  /**
   * Whether a sign-in to this account may check its password now. Attempts still checking theirs count as
   * failures until they end: otherwise a hundred guesses sent at once would all be checked (a password check
   * takes a while) before the first failure was counted.
   */
  admit(accountId: string): Admission;
}

/**
 * The per-account half of the sign-in limits, in memory: a map of the local accounts' recent failure times (at
 * most `limit` each), so its size is bounded by the number of accounts. A restart forgives, as the per-address
 * counts do; a stranger cannot make Hearth restart, and the wait is minutes long anyway. A right password does
 * not clear the count: only someone who has the password can give one, and they are not the one slowed down.
 */
export function createSignInLockout(rule: SignInLockoutRule, clock: Clock): SignInLockout {
  const periodMs = rule.periodSeconds * 1000;
  const failures = new Map<string, number[]>();
  const checking = new Map<string, number>();

  function recentFailures(accountId: string, now: number): number[] {
    const recent = (failures.get(accountId) ?? []).filter((time) => time > now - periodMs);
    if (recent.length === 0) failures.delete(accountId);
    else failures.set(accountId, recent);
    return recent;
  }

  function release(accountId: string): void {
    const left = (checking.get(accountId) ?? 1) - 1;
    if (left <= 0) checking.delete(accountId);
    else checking.set(accountId, left);
  }

  return {
    admit(accountId) {
      const now = clock.now().getTime();
      const recent = recentFailures(accountId, now);
      const inFlight = checking.get(accountId) ?? 0;
      if (recent.length >= rule.limit) {
        // Free again once the oldest of the last `limit` failures has left the window.
        const oldest = recent[recent.length - rule.limit] ?? now;
        return { isAdmitted: false, retryAt: new Date(oldest + periodMs) };
      }
      // Full only because of attempts still being checked: one of them will end within a moment.
      if (recent.length + inFlight >= rule.limit) return { isAdmitted: false, retryAt: new Date(now + 1000) };
      checking.set(accountId, inFlight + 1);
      let isOver = false;
      return {
        isAdmitted: true,
        attempt: {
          failed() {
            if (isOver) return;
            isOver = true;
            release(accountId);
            const times = recentFailures(accountId, clock.now().getTime());
            times.push(clock.now().getTime());
            failures.set(accountId, times.slice(-rule.limit));
          },
          ended() {
            if (isOver) return;
            isOver = true;
            release(accountId);
          },
        },
      };
    },
  };
}
