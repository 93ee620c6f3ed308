import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../server/export/progress.ts";

function stream(isTTY: boolean): { out: PassThrough & { isTTY?: boolean }; text(): string } {
  const out: PassThrough & { isTTY?: boolean } = new PassThrough();
  out.isTTY = isTTY;
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

describe("terminal progress", () => {
  it("redraws one bar in place on a terminal, a new line for each new step", () => {
    const { out, text } = stream(true);
    const progress = terminalProgress(out);
    progress.update("Posts", 1, 4);
    progress.update("Posts", 4, 4);
    progress.update("Media files", 1, 1);
    progress.finish();
    expect(text()).toBe(
      `\rPosts [${"#".repeat(8)}${" ".repeat(22)}] 1/4\rPosts [${"#".repeat(30)}] 4/4\n\rMedia files [${"#".repeat(30)}] 1/1\n`,
    );
  });

  it("writes plain lines elsewhere, at most one per tenth", () => {
    const { out, text } = stream(false);
    const progress = terminalProgress(out);
    for (let done = 1; done <= 100; done += 1) progress.update("Posts", done, 100);
    progress.finish();
    const lines = text().trim().split("\n");
    // The first step, then one at each tenth.
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe("Posts: 100/100");
    expect(text()).not.toContain("\r");
  });
});
