import type { BackupProgress, ProgressListener } from "../backup/progress.ts";

export interface ProgressDisplay {
  listener: ProgressListener;
  /** Ends the bar's line, so what is printed next starts on a line of its own. */
  finish(): void;
}

const BAR_WIDTH = 30;

/**
 * Progress on stderr (stdout is for what scripts read: the path, the figures): a bar redrawn in place on a
 * terminal, a plain line per step otherwise (a log file or a pipe gets no carriage returns).
 */
export function createProgressDisplay(stderr: NodeJS.WritableStream & { isTTY?: boolean }): ProgressDisplay {
  let lastStep: string | undefined;
  let lastDrawn = "";
  const isTerminal = stderr.isTTY === true;
  const draw = (progress: BackupProgress) => {
    const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const line = `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${progress.step}`;
    if (line === lastDrawn) return;
    lastDrawn = line;
    stderr.write(`\r\x1b[2K${line}`);
  };
  return {
    listener(progress) {
      if (isTerminal) return draw(progress);
      if (progress.step === lastStep) return;
      lastStep = progress.step;
      stderr.write(`${progress.step}…\n`);
    },
    finish() {
      if (isTerminal && lastDrawn !== "") stderr.write("\n");
      lastDrawn = "";
    },
  };
}
