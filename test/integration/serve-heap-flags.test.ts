import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";

const HEARTH_COMMAND = fileURLToPath(new URL("../../bin/hearth.js", import.meta.url));
const RECORDER = fileURLToPath(new URL("../fixtures/record-exec-argv.mjs", import.meta.url));

/** The Node flags of the process that served, read once it has stopped. */
async function flagsOfServe(dataDir: string, nodeOptions: string): Promise<string[]> {
  const record = join(dataDir, `exec-argv-${Math.random()}.json`);
  const serving = await serveHearth(["--data-dir", dataDir], {
    entry: HEARTH_COMMAND,
    env: { NODE_OPTIONS: `${nodeOptions} --import ${RECORDER}`, RECORD_EXEC_ARGV_TO: record },
  });
  try {
    expect((await fetch(`${serving.localUrl}/healthz`)).ok).toBe(true);
  } finally {
    expect(await serving.stop()).toBe(0);
  }
  return JSON.parse(readFileSync(record, "utf8")) as string[];
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

  it("serves with the young generation bounded, the pid it was started with still serving and stopping", async () => {
    expect(await flagsOfServe(dataDir, "")).toContain("--max-semi-space-size=8");
  });

  it("keeps a size its starter chose instead of adding its own", async () => {
    // The control: the recorder sees the flags a process was started with, so the test above cannot pass on a
    // record that always holds the default.
    const flags = await flagsOfServe(dataDir, "--max-semi-space-size=4");
    expect(flags.filter((flag) => flag.startsWith("--max-semi-space-size"))).toEqual([]);
  });
});
