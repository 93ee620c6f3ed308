// Where the server runs, and why.
//
// Not in Electron's main process: a crash there (a native module, memory, an unhandled rejection) would take
// the window and the tray with it and leave nothing to restart the server; and SQLite queries, thumbnails
// and signature checks on the main process's event loop would stall every window and menu event.
//
// So in a process of its own, running main/server-entry.ts, which runs `hearth serve` as a headless user
// does. Two ways to start that process:
// - Packaged app: Electron's utility process (utilityProcess.fork). It is Electron's own Node (Electron 45
//   embeds a Node 24), needs no second runtime in the download, and keeps working with the RunAsNode fuse
//   off (ELECTRON_RUN_AS_NODE would turn the app binary into a general Node for anyone). better-sqlite3 13
//   is an N-API addon (NAPI_VERSION 10) with prebuilds for every platform in its package, so the same
//   binary loads in Node 24 and in Electron without a rebuild; it is unpacked from the asar, since native
//   code cannot be loaded from inside one.
// - Development (`npm start`): a Node child process on the pinned Node 24 of node_modules/node, which runs
//   the server's TypeScript directly (type stripping), as `npm run serve` does; the packaged app runs the
//   server compiled to JavaScript (build/compile-server.mjs), not depending on Electron's Node to strip types.
// Both speak the same messages (server-protocol.ts), so the shell above them is one code path.
import { spawn } from "node:child_process";
import type { SpawnedProcess } from "./server-process.ts";
import type { ShellToServer } from "./server-protocol.ts";

/**
 * The Node flags the server process starts with: those `hearth serve` starts with (bin/server-node-flags.js's
 * SERVER_START_FLAGS says why: V8 otherwise grows the young generation to 128 MiB under load and keeps it); the
 * server sets the rest (its old space's growth) itself once it serves, as `hearth serve` does. Written out here
 * because the shell is compiled on its own (main/tsconfig.json) and bin/ is not in the app;
 * test/unit/main-server-launchers.test.ts keeps the two lists equal.
 */
export const SERVER_PROCESS_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=8"];

/** glibc malloc's settings for the server process, as `hearth serve` gives itself (bin/server-node-flags.js's SERVER_ENVIRONMENT). */
export const SERVER_PROCESS_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "131072" };

/** Starts one server process with the given environment (the server's flags travel in it, see entryEnvironment). */
export type ServerLauncher = () => SpawnedProcess;

/**
 * The environment server-entry.ts reads: where the CLI module is, the serve flags, and where Node keeps the
 * server's compiled code (HEARTH_COMPILE_CACHE) when the shell names a folder for it.
 */
export function entryEnvironment(base: NodeJS.ProcessEnv, cliModulePath: string, serveArgs: readonly string[], compileCacheDir?: string): Record<string, string> {
  // The server's malloc settings unless whoever started the shell chose their own.
  const env: Record<string, string> = { ...SERVER_PROCESS_ENVIRONMENT };
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  env.HEARTH_SHELL_CLI = cliModulePath;
  env.HEARTH_SHELL_ARGS = JSON.stringify(serveArgs);
  if (compileCacheDir !== undefined) env.HEARTH_COMPILE_CACHE = compileCacheDir;
  // The shell's own Electron settings mean nothing to the server, and NODE_OPTIONS meant for the shell
  // (a debugger, a loader) must not change how the server runs.
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Passes the server's output on to the shell's own, for a person who started Hearth from a terminal. The
 * server never writes to the shell's terminal directly: if that goes away (a closed terminal, a Windows GUI
 * app without a console), the writes fail here, harmlessly, instead of failing the server's logging.
 * The server keeps its own log in the data directory either way.
 */
export function forwardOutput(from: NodeJS.ReadableStream | null | undefined, to: NodeJS.WritableStream & { destroyed?: boolean }): void {
  if (!from) return;
  // One error listener per target, however many servers (restarts) write to it.
  if (!brokenTargets.has(to)) {
    brokenTargets.set(to, false);
    to.on("error", () => brokenTargets.set(to, true));
  }
  from.on("data", (chunk: Buffer | string) => {
    if (brokenTargets.get(to) || to.destroyed) return;
    try {
      to.write(chunk);
    } catch {
      brokenTargets.set(to, true);
    }
  });
}

const brokenTargets = new WeakMap<NodeJS.WritableStream, boolean>();

export function nodeChildLauncher(options: { nodeBinary: string; entryPath: string; env: Record<string, string> }): ServerLauncher {
  return () => {
    const child = spawn(options.nodeBinary, [...SERVER_PROCESS_NODE_FLAGS, options.entryPath], { stdio: ["ignore", "pipe", "pipe", "ipc"], env: options.env });
    forwardOutput(child.stdout, process.stdout);
    forwardOutput(child.stderr, process.stderr);
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    let exit: { code: number | null; signal: string | null } | undefined;
    const onExit = (code: number | null, signal: string | null) => {
      if (exit) return;
      exit = { code, signal };
      for (const listener of exitListeners) listener(code, signal);
    };
    child.once("exit", onExit);
    // A spawn failure (no such program) emits "error" and no "exit".
    child.once("error", () => onExit(null, null));
    return {
      post: (message: ShellToServer) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on("message", listener),
      onExit: (listener) => {
        if (exit) listener(exit.code, exit.signal);
        else exitListeners.push(listener);
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
    };
  };
}

/** The parts of Electron's UtilityProcess used here (typed locally so this file loads without Electron). */
interface UtilityProcessLike {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  kill(): boolean;
}

type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { env: Record<string, string>; execArgv: string[]; stdio: "pipe"; serviceName: string },
) => UtilityProcessLike;

export function utilityProcessLauncher(options: { fork: UtilityFork; entryPath: string; env: Record<string, string> }): ServerLauncher {
  return () => {
    const child = options.fork(options.entryPath, [], { env: options.env, execArgv: [...SERVER_PROCESS_NODE_FLAGS], stdio: "pipe", serviceName: "Hearth server" });
    forwardOutput(child.stdout, process.stdout);
    forwardOutput(child.stderr, process.stderr);
    let exitCode: number | undefined;
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    child.on("exit", (code: number) => {
      exitCode = code;
      for (const listener of exitListeners) listener(code, null);
    });
    return {
      post: (message) => {
        if (exitCode === undefined) child.postMessage(message);
      },
      onMessage: (listener) => child.on("message", listener),
      onExit: (listener) => {
        if (exitCode !== undefined) listener(exitCode, null);
        else exitListeners.push(listener);
      },
      kill: () => {
        if (exitCode === undefined) child.kill();
      },
    };
  };
}
