import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressDisplay } from "../../server/cli/progress-display.ts";

function stream(isTTY: boolean): { sink: Writable & { isTTY?: boolean }; written(): string } {
  let text = "";
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY },
  );
  return { sink, written: () => text };
}

describe("backup progress on the terminal", () => {
  it("draws a bar redrawn in place on a terminal, and ends its line", () => {
    const { sink, written } = stream(true);
    const display = createProgressDisplay(sink);
    display.listener({ step: "packing", done: 1, total: 4 });
    display.listener({ step: "packing", done: 4, total: 4 });
    display.finish();
    expect(written()).toContain(`\r\x1b[2K[${"#".repeat(8)}${".".repeat(22)}]  25% packing`);
    expect(written()).toContain(`\r\x1b[2K[${"#".repeat(30)}] 100% packing`);
    expect(written().endsWith("\n")).toBe(true);
  });

  it("writes one plain line per step elsewhere (a pipe, a log file)", () => {
    const { sink, written } = stream(false);
    const display = createProgressDisplay(sink);
    display.listener({ step: "copying the database", done: 0, total: 1 });
    display.listener({ step: "copying the database", done: 1, total: 1 });
    display.listener({ step: "packing", done: 1, total: 2 });
    display.finish();
    expect(written()).toBe("copying the database…\npacking…\n");
  });
});
