// The `hearth` command's entry. It stays small so that the compile cache is on before the rest of Hearth
// loads, and each command loads only its own modules (server/cli/run-cli.ts).
import { pathToFileURL } from "node:url";
import { enableCompileCache } from "./compile-cache.ts";
import type { CliIo, CliOptions } from "./cli/run-cli.ts";

export type { CliIo, CliOptions };

/** Runs one `hearth` command and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo = process, cliOptions: CliOptions = {}): Promise<number> {
  const { runCli: run } = await import("./cli/run-cli.ts");
  return run(argv, io, cliOptions);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  enableCompileCache();
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
  // Everything Hearth opened is closed by now; what a library may still hold (a delivery's socket to a peer
  // that does not answer) must not keep a stopped Hearth running. Unref'd: a clean exit does not wait.
  setTimeout(() => process.exit(code), 500).unref();
}
