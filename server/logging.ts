import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { configure, dispose, getTextFormatter, type LogLevel, type Sink, type TextFormatter } from "@logtape/logtape";
import { getRotatingFileSink } from "@logtape/file";

const LOG_FILE_NAME = "hearth.log";
const LOG_MAX_BYTES = 5 * 1024 * 1024;
const LOG_FILES_KEPT = 5;

export interface LoggingOptions {
  /** Where hearth.log and its rotated siblings go; no file when absent. */
  dataDir?: string;
  level: LogLevel;
}

/**
 * LogTape's configuration is process-wide, so only a process entry point (the CLI, the desktop main)
 * calls this; startInstance never does, which lets tests run several instances in one process.
 */
export async function configureLogging(options: LoggingOptions): Promise<void> {
  const formatter = getTextFormatter({ timestamp: "date-time-tz" });
  const sinks: Record<string, Sink> = { stderr: stderrSink(formatter) };
  if (options.dataDir) {
    const directory = join(options.dataDir, "logs");
    mkdirSync(directory, { recursive: true });
    sinks.file = getRotatingFileSink(join(directory, LOG_FILE_NAME), {
      maxSize: LOG_MAX_BYTES,
      maxFiles: LOG_FILES_KEPT,
      formatter,
    });
  }
  const fedifyLevel = options.level === "debug" || options.level === "trace" ? options.level : "warning";
  await configure({
    reset: true,
    // Fedify tags its records with the request and activity they belong to through this storage.
    contextLocalStorage: new AsyncLocalStorage(),
    sinks,
    loggers: [
      { category: ["hearth"], lowestLevel: options.level, sinks: Object.keys(sinks) },
      { category: ["fedify"], lowestLevel: fedifyLevel, sinks: Object.keys(sinks) },
      // Fedify logs every request it does not route (the UI, the API) as a 404 warning: noise at our mount.
      {
        category: ["fedify", "federation", "http"],
        lowestLevel: fedifyLevel === "warning" ? "error" : fedifyLevel,
        sinks: Object.keys(sinks),
        parentSinks: "override",
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/**
 * Lines to stderr that never take the server down: when whoever reads our stderr goes away (a closed
 * terminal, a parent that stopped reading), writes fail with EPIPE, and a server must keep serving and
 * stop cleanly all the same; the log file still has every line.
 */
function stderrSink(formatter: TextFormatter): Sink {
  let isBroken = false;
  process.stderr.on("error", () => {
    isBroken = true;
  });
  return (record) => {
    if (isBroken) return;
    try {
      process.stderr.write(formatter(record));
    } catch {
      isBroken = true;
    }
  };
}

/** Flushes and closes the sinks, so the last lines before an exit reach the file. */
export async function closeLogging(): Promise<void> {
  await dispose();
}
