import { describe, expect, it } from "vitest";
import { FLAGS_SET_ONCE_SERVING, SERVER_NODE_FLAGS, SERVER_START_FLAGS } from "../../bin/server-node-flags.js";
import { setFlagsOnceServing } from "../../server/memory/flags-once-serving.ts";

function setBy(execArgv: string[], nodeOptions = ""): string[] {
  const set: string[] = [];
  setFlagsOnceServing(execArgv, nodeOptions, (flag) => set.push(flag));
  return set;
}

// bin/server-node-flags.js says why: --heap-growing-percent given at start cost a start full collections (issue #19).
describe("the server's heap flags a serving process sets once it serves", () => {
  it("are the old space's growth, with SERVER_NODE_FLAGS' value, and never a flag Node must start with", () => {
    expect(FLAGS_SET_ONCE_SERVING).toEqual(["--heap-growing-percent"]);
    expect(SERVER_START_FLAGS).toEqual(["--max-semi-space-size=8"]);
    expect(SERVER_NODE_FLAGS).toEqual([...SERVER_START_FLAGS, "--heap-growing-percent=50"]);
  });

  it("sets --heap-growing-percent=50 in a process started with only the start flags", () => {
    expect(setBy(["--max-semi-space-size=8"])).toEqual(["--heap-growing-percent=50"]);
  });

  it("leaves a growth its starter chose, on the command line or in NODE_OPTIONS, as it is", () => {
    expect(setBy(["--max-semi-space-size=8", "--heap-growing-percent=30"])).toEqual([]);
    expect(setBy(["--max-semi-space-size=8"], "--inspect --heap-growing-percent=80")).toEqual([]);
  });
});
