import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.ts";

const CLI = fileURLToPath(new URL("../../server/cli.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `hearth` command to completion, on the same Node that runs the tests (`entry` as in serveHearth). */
export function runHearth(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; entry?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.entry ?? CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

export interface ServingHearth {
  readonly process: ChildProcess;
  readonly localUrl: string;
  output(): { stdout: string; stderr: string };
  /** Sends SIGTERM and resolves with the exit code once the process has gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `hearth serve` on a free port and resolves once it says where it listens. `entry` runs another
 * script than server/cli.ts with the same arguments (bin/hearth.js, the installed command).
 */
export async function serveHearth(args: readonly string[], options: { env?: NodeJS.ProcessEnv; entry?: string } = {}): Promise<ServingHearth> {
  const child = spawn(process.execPath, [options.entry ?? CLI, "serve", "--port", "0", ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const localUrl = await waitFor(
    () => {
      if (hasExited) throw new Error(`hearth serve exited early:\n${stderr}`);
      return /serving on (http:\/\/\S+?) /.exec(stdout)?.[1];
    },
    { timeoutMs: 30_000, what: "hearth serve to listen" },
  );
  return {
    process: child,
    localUrl,
    output: () => ({ stdout, stderr }),
    stop: async (signal = "SIGTERM") => {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}
