import type { ImportProgress } from "../archive/mastodon-import.ts";

interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Progress on stderr, as the `hearth` contract has it: a bar redrawn in place on a terminal, plain lines
 * (every tenth) otherwise, so a log file or a script's pipe gets a few lines rather than thousands of \r.
 */
export function terminalProgress(stream: ProgressStream): ImportProgress {
  let name = "";
  let total = 0;
  let done = 0;
  let lastTenth = -1;
  let drawn = false;
  const draw = () => {
    const fraction = total === 0 ? 1 : Math.min(done / total, 1);
    if (stream.isTTY) {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 40));
      const filled = Math.round(fraction * width);
      stream.write(`\r${name} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} (${Math.floor(fraction * 100)}%)`);
      drawn = true;
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    stream.write(`${name}: ${done} of ${total} (${tenth * 10}%)\n`);
  };
  return {
    phase(phaseName, phaseTotal) {
      if (drawn) stream.write("\n");
      name = phaseName;
      total = phaseTotal;
      done = 0;
      lastTenth = -1;
      draw();
    },
    advance(count) {
      done += count;
      draw();
    },
    end() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
