const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The short age of a post as timelines show it: "now", "5m", "3h", "2d", then the date. Older than a week
 * the date says more than a count of days would.
 */
export function shortAge(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso);
  const elapsed = now.getTime() - then.getTime();
  if (Number.isNaN(elapsed)) return "";
  if (elapsed < MINUTE) return "now";
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)}m`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)}h`;
  if (elapsed < 7 * DAY) return `${Math.floor(elapsed / DAY)}d`;
  const sameYear = then.getFullYear() === now.getFullYear();
  return then.toLocaleDateString(locale, sameYear ? { month: "short", day: "numeric" } : { year: "numeric", month: "short", day: "numeric" });
}

/** When a poll closes, in words: "closes in 3 hours", "closed". */
export function timeLeft(iso: string, now: Date): string {
  const left = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(left) || left <= 0) return "closed";
  const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? "" : "s"} left`;
  if (left < HOUR) return count(Math.max(1, Math.round(left / MINUTE)), "minute");
  if (left < DAY) return count(Math.round(left / HOUR), "hour");
  return count(Math.round(left / DAY), "day");
}
