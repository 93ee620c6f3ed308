// Which module runs the `hearth` command: the server bundle (`npm run build:server`, build/bundle-server.ts)
// when it is there and newer than every source it was made from, else server/cli.ts. A bundle older than a
// source is never run: it would be yesterday's server. Plain JavaScript, since bin/hearth.js loads it on any Node.
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BUNDLE_DIR_NAME = "server-bundle";
export const BUNDLE_ENTRY = "hearth.mjs";
/** Written when a build has finished; its time is the bundle's. */
export const BUNDLE_STAMP = "built-at.txt";
/**
 * Node's compile cache for the bundle, inside it: `npm run build:server` fills it by starting the bundle once, so
 * the first start after a build is as warm as every other, and the cache goes with the bundle it was made from
 * (a build empties the folder). Not the system's temporary folder, which many systems empty at each boot, and
 * Hearth starts with the computer. Node keys each entry by the file's path and checks the source's hash before
 * using it, so a changed file is compiled again, never run from another's code.
 */
export const BUNDLE_COMPILE_CACHE = "compile-cache";

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The newest modification time among the files under dir (a missing dir counts as nothing). Every start walks
 * server/ (~460 files): paths are joined by hand, as path.join normalised each one again and took half the
 * walk's CPU time (about 15 of 30 ms on the bench machine, issue #19); "/" separates paths on Windows too.
 */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    const time = entry.isDirectory() ? newestUnder(path) : (mtimeOf(path) ?? 0);
    if (time > newest) newest = time;
  }
  return newest;
}

/**
 * The bundle's entry if it may run, else undefined. What goes into it: server/ and the packages installed
 * (node_modules/.package-lock.json changes with every install) and package.json (its version is read).
 */
export function freshBundle(root = fileURLToPath(new URL("..", import.meta.url))) {
  const dir = join(root, BUNDLE_DIR_NAME);
  const builtAt = mtimeOf(join(dir, BUNDLE_STAMP));
  if (builtAt === undefined || mtimeOf(join(dir, BUNDLE_ENTRY)) === undefined) return undefined;
  const sources = [newestUnder(join(root, "server")), mtimeOf(join(root, "package.json")) ?? 0, mtimeOf(join(root, "node_modules", ".package-lock.json")) ?? 0];
  return sources.every((time) => time <= builtAt) ? join(dir, BUNDLE_ENTRY) : undefined;
}

/** The module whose runCli runs the command: the fresh bundle, else the sources. */
export function cliModule(root = fileURLToPath(new URL("..", import.meta.url))) {
  return freshBundle(root) ?? join(root, "server", "cli.ts");
}

/** Where the compile cache of a `hearth` command module lives: inside the bundle for the bundle, else Node's default. */
export function compileCacheDirOf(cliModulePath) {
  const dir = dirname(cliModulePath);
  return basename(dir) === BUNDLE_DIR_NAME && basename(cliModulePath) === BUNDLE_ENTRY ? join(dir, BUNDLE_COMPILE_CACHE) : undefined;
}
