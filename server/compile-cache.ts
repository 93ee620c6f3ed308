import * as nodeModule from "node:module";

/**
 * Turns on Node's on-disk compile cache (in the system's temporary folder, keyed by each file's contents)
 * for the modules loaded after this call. Without it every start strips the types of ~360 Hearth files and
 * compiles ~1,500 modules again: that was about a third of a start's CPU time (issue #19). Called by the
 * entry points before they load the rest of Hearth; an older runtime without the API starts as before.
 */
export function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
  try {
    enable?.();
  } catch {
    // An unwritable temporary folder costs speed, never the start.
  }
}

/** Writes what was compiled so far, so a start killed later (a desktop quit, a crash) still leaves a cache. */
export function flushCompileCache(): void {
  (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.();
}
