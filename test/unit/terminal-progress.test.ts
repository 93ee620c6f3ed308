import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../server/cli/terminal-progress.ts";

function stream(isTTY: boolean): { out: PassThrough & { isTTY?: boolean }; text(): string } {
  const out: PassThrough & { isTTY?: boolean } = new PassThrough();
  out.isTTY = isTTY;
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

describe("progress of a long command on the terminal", () => {
  it("redraws one bar in place on a terminal, a new line for each new step, and ends its line", () => {
    const { out, text } = stream(true);
    const progress = terminalProgress(out);
    progress.update("Posts", 1, 4);
    progress.update("Posts", 1, 4);
    progress.update("Posts", 4, 4);
    progress.update("Media files", 1, 1);
    progress.finish();
    expect(text()).toBe(
      `\r\x1b[2KPosts [${"#".repeat(8)}${".".repeat(22)}] 1/4 (25%)` +
        `\r\x1b[2KPosts [${"#".repeat(30)}] 4/4 (100%)\n` +
        `\r\x1b[2KMedia files [${"#".repeat(30)}] 1/1 (100%)\n`,
    );
  });

  it("writes plain lines elsewhere (a pipe, a log file), at most one per tenth of each step", () => {
    const { out, text } = stream(false);
    const progress = terminalProgress(out);
    for (let done = 1; done <= 100; done += 1) progress.update("Posts", done, 100);
    progress.update("copying the database", 0, 1);
    progress.update("copying the database", 1, 1);
    progress.finish();
    const lines = text().trim().split("\n");
    // The first of Posts, then one at each tenth; the database's start and end.
    expect(lines).toHaveLength(13);
    expect(lines[10]).toBe("Posts: 100/100 (100%)");
    expect(lines.slice(11)).toEqual(["copying the database: 0/1 (0%)", "copying the database: 1/1 (100%)"]);
    expect(text()).not.toContain("\r");
  });
});
