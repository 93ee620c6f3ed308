import type { Context } from "hono";

/** Sets Retry-After (whole seconds, at least one) and says the wait in words: "in 3 minutes". */
export function retryAfter(c: Context, until: Date, now: Date): string {
  c.header("Retry-After", String(Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))));
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}
