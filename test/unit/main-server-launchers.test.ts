import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SERVER_ENVIRONMENT, SERVER_START_FLAGS } from "../../bin/server-node-flags.js";
import { entryEnvironment, nodeChildLauncher, SERVER_PROCESS_ENVIRONMENT, SERVER_PROCESS_NODE_FLAGS, utilityProcessLauncher } from "../../main/server-launchers.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The fixture writes the Node flags of the process it runs in, then ends: as an entry, it shows what the launcher gave.
const RECORDER = fileURLToPath(new URL("../fixtures/record-exec-argv.mjs", import.meta.url));

// bin/server-node-flags.js says why the server needs its heap flags; the desktop's server process is a server too (issue #16 item 4).
describe("the desktop shell starts its server process with the server's Node flags", () => {
  let folder: { path: string; remove(): void } | undefined;
  afterEach(() => folder?.remove());

  it("has the flags `hearth serve` starts with and the malloc settings it gives itself", () => {
    expect(SERVER_PROCESS_NODE_FLAGS).toEqual(SERVER_START_FLAGS);
    expect(SERVER_PROCESS_ENVIRONMENT).toEqual(SERVER_ENVIRONMENT);
  });

  it("gives the server process malloc's settings, unless whoever started the shell chose their own", () => {
    expect(entryEnvironment({ PATH: "/bin" }, "/app/server/cli.js", [])).toMatchObject(SERVER_ENVIRONMENT);
    expect(entryEnvironment({ PATH: "/bin", MALLOC_ARENA_MAX: "8" }, "/app/server/cli.js", [])).toMatchObject({ ...SERVER_ENVIRONMENT, MALLOC_ARENA_MAX: "8" });
  });

  it("names the folder for the server's compiled code when the shell gives one, and otherwise passes on the starter's", () => {
    expect(entryEnvironment({ PATH: "/bin" }, "/app/server/cli.js", [], "/home/a/.config/Hearth/compile-cache").HEARTH_COMPILE_CACHE).toBe("/home/a/.config/Hearth/compile-cache");
    expect(entryEnvironment({ PATH: "/bin", HEARTH_COMPILE_CACHE: "/repo/server-bundle/compile-cache" }, "/repo/server-bundle/hearth.mjs", []).HEARTH_COMPILE_CACHE).toBe(
      "/repo/server-bundle/compile-cache",
    );
    expect(entryEnvironment({ PATH: "/bin" }, "/app/server/cli.ts", []).HEARTH_COMPILE_CACHE).toBeUndefined();
  });

  it("runs the development server process (a Node child) with them", async () => {
    folder = makeTempDir("launcher-flags");
    const record = join(folder.path, "exec-argv.json");
    const env = entryEnvironment({ ...process.env, RECORD_EXEC_ARGV_TO: record }, "/unused/cli.ts", []);
    const spawned = nodeChildLauncher({ nodeBinary: process.execPath, entryPath: RECORDER, env })();
    let exitCode: number | null | undefined;
    spawned.onExit((code) => (exitCode = code));
    await waitFor(() => exitCode !== undefined, { timeoutMs: 60_000, what: "the recorder to end" });
    expect(exitCode).toBe(0);
    const flags = JSON.parse(readFileSync(record, "utf8")) as string[];
    expect(flags).toEqual(expect.arrayContaining([...SERVER_START_FLAGS]));
    expect(JSON.parse(readFileSync(`${record}.env.json`, "utf8"))).toEqual(SERVER_ENVIRONMENT);
  });

  it("asks Electron's utility process for them", () => {
    const asked: Array<{ modulePath: string; execArgv: string[] }> = [];
    const fork = (modulePath: string, _args: string[], options: { execArgv: string[] }) => {
      asked.push({ modulePath, execArgv: options.execArgv });
      return { stdout: null, stderr: null, postMessage: () => {}, on: () => undefined, kill: () => true };
    };
    utilityProcessLauncher({ fork, entryPath: "/app/main/dist/server-entry.js", env: {} })();
    expect(asked).toEqual([{ modulePath: "/app/main/dist/server-entry.js", execArgv: SERVER_START_FLAGS }]);
  });
});
