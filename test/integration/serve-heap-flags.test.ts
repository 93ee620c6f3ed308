import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENVIRONMENT } from "../../bin/server-node-flags.js";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";

const HEARTH_COMMAND = fileURLToPath(new URL("../../bin/hearth.js", import.meta.url));
const RECORDER = fileURLToPath(new URL("../fixtures/record-exec-argv.mjs", import.meta.url));

/** The Node flags and malloc settings of the process that served, read once it has stopped. */
async function settingsOfServe(dataDir: string, nodeOptions: string, env: Record<string, string> = {}) {
  const record = join(dataDir, `exec-argv-${Math.random()}.json`);
  const serving = await serveHearth(["--data-dir", dataDir], {
    entry: HEARTH_COMMAND,
    env: { ...env, NODE_OPTIONS: `${nodeOptions} --import ${RECORDER}`, RECORD_EXEC_ARGV_TO: record },
  });
  try {
    expect((await fetch(`${serving.localUrl}/healthz`)).ok).toBe(true);
  } finally {
    expect(await serving.stop()).toBe(0);
  }
  return {
    flags: JSON.parse(readFileSync(record, "utf8")) as string[],
    environment: JSON.parse(readFileSync(`${record}.env.json`, "utf8")) as Record<string, string | undefined>,
  };
}

// bin/server-node-flags.js says why: V8 grew the young generation to 128 MiB under load and kept it.
describe.skipIf(typeof process.execve !== "function")("hearth serve runs with the server's heap flags (issue #16 item 4)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hearth-heap-flags-"));
    const setUp = await runHearth(["setup", "--data-dir", dataDir, "--username", "alice", "--password-stdin"], { stdin: "a long enough password\n" });
    expect(setUp.code).toBe(0);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves with the young generation bounded and malloc's settings, the pid it was started with still serving and stopping", async () => {
    const { flags, environment } = await settingsOfServe(dataDir, "");
    expect(flags).toContain("--max-semi-space-size=8");
    // Set once it serves (server/memory/flags-once-serving.ts): given at start, it cost the start full collections.
    expect(flags.filter((flag) => flag.startsWith("--heap-growing-percent"))).toEqual([]);
    expect(environment).toEqual(SERVER_ENVIRONMENT);
  });

  it("keeps a size and a malloc setting its starter chose instead of adding its own, and adds the settings it did not choose", async () => {
    // The control: the recorder sees the flags a process was started with, so the test above cannot pass on a
    // record that always holds the default.
    const { flags, environment } = await settingsOfServe(dataDir, "--max-semi-space-size=4", { MALLOC_ARENA_MAX: "4" });
    expect(flags.filter((flag) => flag.startsWith("--max-semi-space-size"))).toEqual([]);
    expect(environment).toEqual({ ...SERVER_ENVIRONMENT, MALLOC_ARENA_MAX: "4" });
  });
});
