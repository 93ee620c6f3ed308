// A Hearth instance as `hearth serve` runs it, in a child process of its own, so a benchmark's load generator
// or sink does not share its CPU; and the CPU time the kernel counts for that process.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../server/cli.ts", import.meta.url));

export function hearth(args: string[], stdin = ""): string {
  return execFileSync(process.execPath, [CLI, ...args], { input: stdin, encoding: "utf8" });
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("No port was given.");
  return address.port;
}

/** User plus system CPU time of a process so far, in milliseconds. */
export function cpuMsOf(pid: number): number {
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  // /proc/PID/stat: utime and stime are fields 14 and 15, after the command name in parentheses.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
}

export interface HearthProcess {
  url: string;
  child: ChildProcess;
  /** User plus system CPU time of the process so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * `hearth serve` on a data directory already set up, once it answers /healthz. BENCH_NODE_ARGS adds Node
 * flags to it, e.g. "--cpu-prof --cpu-prof-dir=/tmp/hearth-profile" to see where its time goes.
 */
export async function serveHearth(dataDir: string, extraArgs: string[] = []): Promise<HearthProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
  const child = spawn(process.execPath, [...nodeArgs, CLI, "serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "error", ...extraArgs], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null) throw new Error(`hearth serve exited with ${child.exitCode}.`);
    if (Date.now() > deadline) throw new Error("Hearth did not answer /healthz within 60 s.");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    cpuMs: () => cpuMsOf(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
