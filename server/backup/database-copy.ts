import { Worker } from "node:worker_threads";
import { UserError } from "../user-error.ts";
import type { DatabaseFigures } from "./manifest.ts";
import type { BackupProgress, ProgressListener } from "./progress.ts";

export interface DatabaseCopyRequest {
  sourcePath: string;
  copyPath: string;
}

export type DatabaseCopyReply =
  | { kind: "progress"; progress: BackupProgress }
  | { kind: "copied"; figures: DatabaseFigures }
  /** The copy is unsound: a sentence for the person. */
  | { kind: "refused"; message: string }
  | { kind: "failed"; message: string };

// The packaged app runs the server compiled to JavaScript (build/compile-server.mjs), whose import rewriting
// does not reach a file named in a URL: the worker is the sibling with this module's own extension.
const WORKER = new URL(`./database-copy-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * Copies the live database at sourcePath to copyPath with SQLite's online backup, checks the copy with
 * integrity_check and reads its figures, all in a worker thread, so the instance serving beside it keeps
 * answering (bench/backup.ts measures it). The copy is left in rollback-journal mode, one self-contained file.
 */
export function copyAndCheckDatabase(request: DatabaseCopyRequest, onProgress: ProgressListener): Promise<DatabaseFigures> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: request });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      // Its work is done either way; nothing it holds should outlive the answer.
      void worker.terminate();
    };
    worker.on("message", (reply: DatabaseCopyReply) => {
      if (reply.kind === "progress") onProgress(reply.progress);
      else if (reply.kind === "copied") settle(() => resolve(reply.figures));
      else if (reply.kind === "refused") settle(() => reject(new UserError(reply.message)));
      else settle(() => reject(new Error(reply.message)));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the database copy stopped (exit code ${code}) before it ended`))));
  });
}
