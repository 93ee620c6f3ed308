import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GarbageCollector = (options: { type: "major" | "minor"; execution: "sync"; flavor?: "last-resort" }) => void;
let collector: GarbageCollector | undefined;

/**
 * V8's own `gc` extension. The flag only installs it in contexts made after it is set, and so changes nothing
 * else in this one.
 */
function garbageCollector(): GarbageCollector {
  if (!collector) {
    setFlagsFromString("--expose-gc");
    collector = runInNewContext("gc") as GarbageCollector;
  }
  return collector;
}

/**
 * A full collection that also shrinks the young generation and gives freed pages back to the system (V8's
 * CollectAllAvailableGarbage, which a plain gc() is not). V8 does not run it by itself when a server goes quiet.
 */
export function collectAllGarbage(): void {
  garbageCollector()({ type: "major", execution: "sync", flavor: "last-resort" });
}

let isScavengeDue = false;

/**
 * A scavenge of the young generation soon, once what is now being unwound has let go of its objects (at most one
 * is waiting at a time). A Buffer read from a socket is a small object in V8's young generation whose bytes are
 * outside the heap, so V8 sees little reason to collect it: a hostile peer's megabyte read and refused was kept
 * until enough small objects had filled the young generation (16 MiB of them), and hundreds of such reads moved
 * the resident size by 50 MB and more. A scavenge of a young generation that size takes about a millisecond.
 */
export function scavengeSoon(): void {
  if (isScavengeDue) return;
  isScavengeDue = true;
  setImmediate(() => {
    isScavengeDue = false;
    garbageCollector()({ type: "minor", execution: "sync" });
  }).unref();
}
