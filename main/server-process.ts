import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  readonly localUrl: string;
  readonly child: ChildProcess;
  /** Asks the server to stop (it closes the database cleanly) and waits for it. */
  stop(): Promise<void>;
}

const LISTENING_LINE = /serving on (http:\/\/\S+?) /;

/**
 * Runs `hearth serve` as a child on the pinned Node, the same server a headless user runs, and resolves
 * with its local address once it listens.
 */
export function startServerProcess(nodeBinary: string, cliPath: string, args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(nodeBinary, [cliPath, "serve", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.once("exit", (code) => reject(new Error(`The Hearth server exited with code ${code} before it was ready.`)));
    child.once("error", reject);
    child.stdout?.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
      const localUrl = LISTENING_LINE.exec(output)?.[1];
      if (!localUrl) return;
      resolve({
        localUrl,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}
