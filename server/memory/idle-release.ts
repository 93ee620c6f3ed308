import { getLogger } from "@logtape/logtape";
import type Database from "better-sqlite3";
import { collectAllGarbage } from "./garbage-collection.ts";
import { trimMalloc } from "./malloc-trim.ts";

const logger = getLogger(["hearth", "memory"]);

/** After this long without a request, what the last busy spell left behind is given back. */
export const IDLE_AFTER_MS = 30_000;

export interface IdleRelease {
  /** Called for every request: the server is busy, and a release is due once it has been idle long enough. */
  noteActivity(): void;
  stop(): void;
}

/**
 * Runs `release` once each time the server falls idle (and once after starting): IDLE_AFTER_MS after the last
 * activity, and not again until there has been activity since. V8 keeps the heap it grew under load (a young generation of 128 MB
 * after twenty requests at a time, and garbage no GC has been due to collect), and SQLite keeps its page
 * caches, for as long as the process lives; for a desktop neighbour, a quiet server should be a small one.
 */
export function startIdleRelease(release: () => void, options: { idleAfterMs?: number; now?: () => number } = {}): IdleRelease {
  const idleAfterMs = options.idleAfterMs ?? IDLE_AFTER_MS;
  const now = options.now ?? Date.now;
  // Starting up is a busy spell too (migrations, every module loaded): the first release follows it.
  let lastActivity = now();
  let isReleased = false;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;

  const check = () => {
    timer = undefined;
    if (isStopped || isReleased) return;
    const idleFor = now() - lastActivity;
    if (idleFor < idleAfterMs) {
      schedule(idleAfterMs - idleFor);
      return;
    }
    isReleased = true;
    release();
  };
  // unref: a release still to come never keeps a stopping process alive.
  const schedule = (delayMs: number) => (timer = setTimeout(check, delayMs).unref());
  schedule(idleAfterMs);

  return {
    noteActivity() {
      lastActivity = now();
      isReleased = false;
      if (!timer && !isStopped) schedule(idleAfterMs);
    },
    stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

export interface IdleReleaseOptions {
  /** Empties the caches that the next requests rebuild cheaply, before the collection that frees them. */
  forgetCaches?: () => void;
  /** Gives glibc's free pages back to the system too (malloc-trim.ts), which loads koffi the first time. */
  trimMalloc?: boolean;
}

/**
 * What an idle server gives back: each connection's unused SQLite cache, the caches it can rebuild, V8's free
 * heap, then the free pages glibc's malloc holds. Measured with bench/memory-plateau.ts after a busy spell, the
 * last was the largest part: malloc_trim took the resident size from 197 to 150 MiB (RssAnon 131 -> 84 MiB).
 */
export async function releaseIdleMemory(connections: readonly Database.Database[], options: IdleReleaseOptions = {}): Promise<void> {
  const before = process.memoryUsage.rss();
  for (const sqlite of connections) if (sqlite.open) sqlite.pragma("shrink_memory");
  options.forgetCaches?.();
  collectAllGarbage();
  // After the collection: it is what frees the Buffers' and SQLite statements' blocks for malloc to give back.
  if (options.trimMalloc) await trimMalloc();
  logger.debug("Idle: resident memory {before} MiB -> {after} MiB", { before: Math.round(before / 2 ** 20), after: Math.round(process.memoryUsage.rss() / 2 ** 20) });
}
