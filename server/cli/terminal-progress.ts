/**
 * Progress of a long command (backup, restore, import, export), as the `hearth` contract has it: on stderr,
 * since stdout is what scripts read; a bar redrawn in place when stderr is a terminal, plain lines otherwise
 * (a log file or a pipe gets no carriage returns), at most one per tenth of each step.
 */
export interface TerminalProgress {
  update(step: string, done: number, total: number): void;
  /** Ends the bar's line, so what is printed next starts on a line of its own. */
  finish(): void;
}

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

const BAR_WIDTH = 30;

export function terminalProgress(stderr: ProgressStream): TerminalProgress {
  const isTerminal = stderr.isTTY === true;
  let loggedTenths = new Map<string, number>();
  let drawing: string | null = null;
  let lastDrawn = "";
  return {
    update(step, done, total) {
      const fraction = total <= 0 ? 1 : Math.min(1, done / total);
      const percent = Math.floor(fraction * 100);
      if (isTerminal) {
        // A new step starts a bar of its own; the last one stays on screen, finished.
        if (drawing !== null && drawing !== step) stderr.write("\n");
        drawing = step;
        const filled = Math.round(fraction * BAR_WIDTH);
        const line = `${step} [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total} (${percent}%)`;
        if (line === lastDrawn) return;
        lastDrawn = line;
        stderr.write(`\r\x1b[2K${line}`);
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if ((loggedTenths.get(step) ?? -1) >= tenth) return;
      loggedTenths.set(step, tenth);
      stderr.write(`${step}: ${done}/${total} (${percent}%)\n`);
    },
    finish() {
      if (drawing !== null) stderr.write("\n");
      drawing = null;
      lastDrawn = "";
      loggedTenths = new Map();
    },
  };
}
