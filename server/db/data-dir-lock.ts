import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../user-error.ts";

const LOCK_FILE_NAME = "hearth.lock";

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One serving Hearth per data directory: two would each run the delivery queue and the tunnel. A lock
 * left by a process that died (power cut, kill -9) is taken over.
 */
export function lockDataDirectory(dataDir: string): { release(): void } {
  const path = join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release() {
          try {
            if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new UserError(`Cannot lock the data directory ${dataDir}: ${(error as Error).message}.`);
      }
      const holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new UserError(`Another Hearth (process ${holder}) is already serving ${dataDir}; stop it first or choose another --data-dir.`);
      }
      unlinkSync(path);
    }
  }
  throw new UserError(`Cannot lock the data directory ${dataDir}; remove ${path} if no Hearth is running.`);
}
