/**
 * Progress of a long command on the terminal, as the `hearth` contract has it: a bar redrawn in place on stderr
 * when stderr is a terminal, plain lines otherwise (a log, a pipe), at most one per step of ten per cent.
 */
export interface ProgressLine {
  update(label: string, done: number, total: number): void;
  /** Ends the bar's line, so what follows starts on its own. */
  finish(): void;
}

const BAR_WIDTH = 30;

export function terminalProgress(stderr: NodeJS.WritableStream & { isTTY?: boolean }): ProgressLine {
  const isTerminal = stderr.isTTY === true;
  let lastLogged = new Map<string, number>();
  let drawing: string | null = null;
  return {
    update(label, done, total) {
      if (drawing !== null && drawing !== label) stderr.write("\n");
      const fraction = total === 0 ? 1 : Math.min(1, done / total);
      if (isTerminal) {
        const filled = Math.round(fraction * BAR_WIDTH);
        stderr.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(BAR_WIDTH - filled)}] ${done}/${total}`);
        drawing = label;
        return;
      }
      const step = Math.floor(fraction * 10);
      if ((lastLogged.get(label) ?? -1) >= step) return;
      lastLogged.set(label, step);
      stderr.write(`${label}: ${done}/${total}\n`);
    },
    finish() {
      if (drawing !== null) stderr.write("\n");
      drawing = null;
      lastLogged = new Map();
    },
  };
}
