// A Hearth instance as `hearth serve` runs it, in a child process of its own, so a benchmark's load generator
// or sink does not share its CPU; and the CPU time the kernel counts for that process.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { SERVER_START_FLAGS, withServerEnvironment } from "../bin/server-node-flags.js";
import Database from "better-sqlite3";

const CLI = fileURLToPath(new URL("../server/cli.ts", import.meta.url));
/** The `hearth` command as a person runs it: the server bundle when `npm run build:server` made it after every source change. */
const HEARTH = fileURLToPath(new URL("../bin/hearth.js", import.meta.url));
const PROBE = fileURLToPath(new URL("./memory-probe.js", import.meta.url));

export function hearth(args: string[], stdin = ""): string {
  return execFileSync(process.execPath, [CLI, ...args], { input: stdin, encoding: "utf8" });
}

/** Sets a data directory up with the owner "bench" and answers the owner's account id, for a seeder to fill. */
export function setUpBenchOwner(dataDir: string): string {
  hearth(["setup", "--data-dir", dataDir, "--username", "bench", "--password-stdin"], "a bench password\n");
  const probe = new Database(join(dataDir, "hearth.db"), { readonly: true });
  try {
    return (probe.prepare("SELECT id FROM accounts WHERE username = 'bench' AND domain IS NULL").get() as { id: string }).id;
  } finally {
    probe.close();
  }
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

/** One line of bench/memory-probe.js: what holds a server's resident memory, as the server itself sees it. */
export interface MemoryProbe {
  label: string;
  rssMiB: number;
  heapTotalMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  /** Each V8 space's committed size (new_space is the young generation). */
  spacesMiB: Record<string, number>;
  mallocedMiB: number;
  /** V8's bytecode and compiled code, with their metadata (getHeapCodeStatistics), in its heap. */
  bytecodeMiB: number;
  codeMiB: number;
  snapshot?: string;
}

export interface HearthProcess {
  url: string;
  child: ChildProcess;
  /** What holds the server's memory now, as bench/memory-probe.js sees it from inside; only with `withMemoryProbe`. */
  probeMemory(label: string): Promise<MemoryProbe>;
  /** User plus system CPU time of the process so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * `hearth serve` on a data directory already set up, once it answers /healthz. BENCH_NODE_ARGS adds Node
 * flags to it, e.g. "--cpu-prof --cpu-prof-dir=/tmp/hearth-profile" to see where its time goes, or
 * "--max-semi-space-size=0" for V8's own young generation size; BENCH_SERVER_STDOUT=1 shows the server's standard
 * output, where "--trace-gc" writes. `asInstalled` runs bin/hearth.js, which runs the
 * bundle when it is fresh, rather than server/cli.ts.
 */
export async function serveHearth(dataDir: string, extraArgs: string[] = [], options: { withMemoryProbe?: boolean; asInstalled?: boolean } = {}): Promise<HearthProcess> {
  const port = await freePort();
  // With the flags `hearth serve` starts with (bin/hearth.js; it sets the others once it serves), unless
  // BENCH_NODE_ARGS chooses otherwise.
  const chosen = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
  const nodeArgs = [...SERVER_START_FLAGS.filter((flag) => !chosen.some((arg) => arg.split("=")[0] === flag.split("=")[0])), ...chosen];
  const probeFolder = options.withMemoryProbe ? mkdtempSync(join(tmpdir(), "hearth-bench-probe-")) : undefined;
  const probeFile = probeFolder ? join(probeFolder, "probes.jsonl") : undefined;
  if (probeFile) nodeArgs.push("--import", PROBE);
  const child = spawn(process.execPath, [...nodeArgs, options.asInstalled ? HEARTH : CLI, "serve", "--data-dir", dataDir, "--port", String(port), "--log-level", "error", ...extraArgs], {
    stdio: ["ignore", process.env.BENCH_SERVER_STDOUT ? "inherit" : "ignore", "inherit"],
    // With the malloc settings `hearth serve` gives itself, unless the environment chooses its own.
    env: probeFile ? { ...withServerEnvironment(), HEARTH_MEMORY_PROBE_FILE: probeFile } : withServerEnvironment(),
  });
  let probesRead = 0;
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
    async probeMemory(label) {
      if (!probeFile) throw new Error("This server was started without the memory probe.");
      child.kill("SIGUSR2");
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const lines = existsSync(probeFile) ? readFileSync(probeFile, "utf8").split("\n").filter((line) => line !== "") : [];
        if (lines.length > probesRead) {
          probesRead = lines.length;
          return { ...(JSON.parse(lines.at(-1)!) as MemoryProbe), label };
        }
      }
      throw new Error("The memory probe did not answer within 60 s.");
    },
    async stop() {
      if (probeFolder) rmSync(probeFolder, { recursive: true, force: true });
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
