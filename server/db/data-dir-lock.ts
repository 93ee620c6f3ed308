import Database from "better-sqlite3";
import { readFileSync, realpathSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../user-error.ts";
import { migrations } from "./migrations/index.ts";

/**
 * The lock itself: a small SQLite database that the holding process keeps an exclusive transaction open on.
 * The operating system drops that lock when the process ends, however it ends (kill -9, a power cut), so a
 * stale lock cannot exist. The file stays: deleting a lock file while another process opens it would let two
 * processes lock two different files.
 */
const LOCK_DATABASE_NAME = "hearth.db.lock";

/**
 * Which process holds the lock, only for the sentence a second process prints; never trusted to decide, since
 * after a reboot its PID may belong to anything. Hearths from before the lock database took this file as
 * their lock, so they still refuse to start beside this one.
 */
const HOLDER_FILE_NAME = "hearth.lock";

interface HeldLock {
  readonly sqlite: Database.Database;
  holders: number;
}

/**
 * Locks this process holds, by data directory. One process may open its directory more than once (the
 * desktop's server process runs `hearth token` beside `hearth serve`), and SQLite's locks are per connection,
 * so a second connection of the same process would be refused; the one lock is shared instead.
 */
const held = new Map<string, HeldLock>();

export interface DataDirectoryLock {
  release(): void;
}

/** The last schema change this build knows: a holder names it so that a command beside it knows if it may share. */
const THIS_BUILDS_SCHEMA = Object.keys(migrations).sort().at(-1) ?? "";

export interface DataDirectoryHolder {
  pid?: number;
  /** The last schema change the holding build knows (absent from builds before it was written). */
  schema?: string;
}

/**
 * Who holds the directory, from the file the holder wrote after taking the lock: the process id on the first
 * line (which is all older builds wrote, and read), its build's schema on the second. Only read once the lock
 * has shown the directory held, so it is the current holder's.
 */
export function readDataDirectoryHolder(dataDir: string): DataDirectoryHolder {
  try {
    const [pidLine = "", schema = ""] = readFileSync(join(dataDir, HOLDER_FILE_NAME), "utf8").split("\n");
    const pid = Number.parseInt(pidLine.trim(), 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, schema: schema.trim() || undefined };
  } catch {
    // The holder has not written its file yet, or it was removed.
    return {};
  }
}

/** Whether a holder runs a build with this build's schema, so that the database can be shared with it. */
export function holderSharesThisSchema(holder: DataDirectoryHolder): boolean {
  return holder.schema === THIS_BUILDS_SCHEMA;
}

/** Thrown when another process holds the directory; `message` is the sentence a person reads. */
export class DataDirectoryHeldElsewhere extends UserError {}

function anotherHearthIsServing(dataDir: string): DataDirectoryHeldElsewhere {
  const holder = readDataDirectoryHolder(dataDir).pid;
  const who = holder === undefined ? "Another Hearth" : `Another Hearth (process ${holder})`;
  return new DataDirectoryHeldElsewhere(`${who} is already serving ${dataDir}; stop it first or choose another --data-dir.`);
}

function acquire(dataDir: string): Database.Database {
  const path = join(dataDir, LOCK_DATABASE_NAME);
  let sqlite: Database.Database;
  try {
    // No busy timeout: a held lock is an answer, not something to wait for.
    sqlite = new Database(path, { timeout: 0 });
  } catch (error) {
    throw new UserError(`Cannot lock the data directory ${dataDir}: ${(error as Error).message}.`);
  }
  try {
    // Nothing is written, so no journal file is needed beside it.
    sqlite.pragma("journal_mode = MEMORY");
    sqlite.pragma("locking_mode = EXCLUSIVE");
    // EXCLUSIVE takes the file's exclusive lock at once, though nothing is ever written.
    sqlite.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    sqlite.close();
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") throw anotherHearthIsServing(dataDir);
    throw new UserError(`Cannot lock the data directory ${dataDir}: ${(error as Error).message}; if no Hearth is running, remove ${path}.`);
  }
  return sqlite;
}

/**
 * One process per data directory, decided before anything in it is opened: two processes would each run the
 * delivery queue and the tunnel, and one of another version would migrate the database under the other.
 * The directory must exist.
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const key = realpathSync(dataDir);
  let lock = held.get(key);
  if (!lock) {
    lock = { sqlite: acquire(dataDir), holders: 0 };
    held.set(key, lock);
    try {
      writeFileSync(join(dataDir, HOLDER_FILE_NAME), `${process.pid}\n${THIS_BUILDS_SCHEMA}\n`);
    } catch {
      // Only the sentence of a second process needs it.
    }
  }
  lock.holders += 1;
  const taken = lock;
  let isReleased = false;
  return {
    release() {
      if (isReleased) return;
      isReleased = true;
      taken.holders -= 1;
      if (taken.holders > 0) return;
      held.delete(key);
      // Removed while the lock is still held, so it cannot be the file of a process that came next.
      try {
        unlinkSync(join(dataDir, HOLDER_FILE_NAME));
      } catch {
        // Already gone.
      }
      taken.sqlite.close();
    },
  };
}
