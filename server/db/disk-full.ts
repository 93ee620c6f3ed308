/**
 * Whether an error, or one it was caused by, says the disk is full: SQLite's SQLITE_FULL (it also answers so
 * when a database reaches its max_page_count) or the operating system's ENOSPC or EDQUOT (media files).
 * Such a write fails whole and can be tried again as soon as space is freed; nothing needs a restart.
 */
export function isDiskFull(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return true;
  }
  return false;
}
