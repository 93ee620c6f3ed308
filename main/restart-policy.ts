import type { ServerExit } from "./server-process.ts";

export interface RestartPolicy {
  /** The wait before the first restart; it doubles with every crash in the window, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** More crashes than this within windowMs and the shell stops trying and says so. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 10 * 60_000,
};

/** Exit code of `hearth` for a UserError: the CLI refused with a sentence (see server/cli.ts). */
const REFUSED_EXIT_CODE = 1;

export type RestartDecision = { action: "restart"; delayMs: number; crashTimes: number[] } | { action: "give-up"; reason: string };

function describeExit(exit: ServerExit): string {
  if (exit.failure) return exit.failure;
  if (exit.signal) return `it was ended by ${exit.signal}`;
  return `it exited with code ${exit.code}`;
}

/**
 * What to do when the server process ended without being asked to. A refusal before it listened (port in
 * use, data directory locked by another Hearth, a bad setting) comes back the same on every try, so it is
 * reported at once; a crash is retried with a growing wait, until it has crashed too often lately.
 * crashTimes are the times (ms) of earlier crashes; the answer carries the list with this one added.
 */
export function decideAfterExit(exit: ServerExit, crashTimes: readonly number[], now: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  if (!exit.wasReady && exit.code === REFUSED_EXIT_CODE) {
    return { action: "give-up", reason: exit.failure ?? "The Hearth server refused to start; its log says why." };
  }
  const recent = [...crashTimes.filter((time) => now - time < policy.windowMs), now];
  if (recent.length > policy.maxCrashes) {
    const minutes = Math.round(policy.windowMs / 60_000);
    return {
      action: "give-up",
      reason: `The Hearth server stopped ${recent.length} times in ${minutes} minutes (the last time ${describeExit(exit)}); its log in the data directory says why.`,
    };
  }
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (recent.length - 1));
  return { action: "restart", delayMs, crashTimes: recent };
}
