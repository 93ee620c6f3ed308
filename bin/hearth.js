#!/usr/bin/env node
// The `hearth` command. Hearth needs Node 22.18 or newer (Fedify 2, better-sqlite3 13, TypeScript run
// natively); on an older Node this re-runs itself with the Node pinned in the project's dependencies,
// rather than loading better-sqlite3 where it would crash.
//
// Only server-node-flags.js (no imports of its own) is imported before the execve below: every static import is
// loaded and evaluated before this module's first line runs, and a `hearth serve` that re-executes itself would
// load them twice, once in a Node it throws away (issue #19). The rest is imported where it is used.
import { hasServerEnvironment, hasServerNodeFlags, missingServerNodeFlags, SERVER_START_FLAGS, withServerEnvironment } from "./server-node-flags.js";

const [major, minor] = process.versions.node.split(".").map(Number);
const isServe = process.argv[2] === "serve";

if (isServe && !(hasServerNodeFlags() && hasServerEnvironment()) && typeof process.execve === "function" && (major > 22 || (major === 22 && minor >= 18))) {
  // The server's heap flags and malloc settings (server-node-flags.js) can only be given when Node starts: this
  // process becomes that Node, with the same pid, so whoever started it (a service manager, a terminal) still
  // has the server. Where execve is missing (Windows), the server runs without them.
  // Before anything else, the choice of bundle or sources included: that walk of server/ would be done twice.
  process.execve(process.execPath, [process.execPath, ...missingServerNodeFlags(), ...process.execArgv, ...process.argv.slice(1)], withServerEnvironment());
}

const { cliModule, compileCacheDirOf } = await import("./server-bundle.js");
// The server bundle when it is built and fresh (server-bundle.js), else the TypeScript sources.
const cli = cliModule();

if (major > 22 || (major === 22 && minor >= 18)) {
  // Before the first TypeScript file loads, so that a start with a warm cache never loads Node's type
  // stripper (about 20 MB resident and a tenth of a second of CPU): see server/compile-cache.ts. The bundle's
  // cache is its own, filled by its build (server-bundle.js says why).
  const [{ default: module }, { pathToFileURL }] = await Promise.all([import("node:module"), import("node:url")]);
  module.enableCompileCache?.(compileCacheDirOf(cli));
  const { runCli } = await import(pathToFileURL(cli).href);
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  const [{ spawn }, { existsSync }, { fileURLToPath }] = await Promise.all([import("node:child_process"), import("node:fs"), import("node:url")]);
  const binary = process.platform === "win32" ? "node.exe" : "node";
  const candidates = [
    new URL(`../node_modules/node/bin/${binary}`, import.meta.url),
    new URL(`../node_modules/.bin/${process.platform === "win32" ? "node.cmd" : "node"}`, import.meta.url),
  ].map((url) => fileURLToPath(url));
  const pinned = candidates.find((path) => existsSync(path));
  if (!pinned) {
    process.stderr.write(
      `hearth: this Node is ${process.versions.node}, and Hearth needs 22.18 or newer; run \`npm install\` in the Hearth folder (it brings its own Node) or install a newer Node.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [...(isServe ? SERVER_START_FLAGS : []), cli, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: isServe ? withServerEnvironment() : process.env,
  });
  // The child does the graceful shutdown; this process only passes the signals on and waits for it.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1);
  });
}
