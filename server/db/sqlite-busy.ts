/** SQLite's answer when another connection holds the write lock. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 50;

/**
 * Runs a synchronous write, and while another connection holds the write lock, waits (without blocking the
 * event loop, so the holder can finish) and tries again, until `timeoutMs` has passed.
 */
export async function writeWhenUnlocked<T>(write: () => T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS)) {
    try {
      return write();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
