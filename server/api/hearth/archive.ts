import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Hono } from "hono";
import type { ArchiveJobs, ArchiveJobState, ArchiveOutcome, ArchiveStatus } from "../../archive/archive-jobs.ts";
import { tooLargeSentence, UploadTooLarge } from "../../archive/archive-upload.ts";
import { IMPORT_MODES } from "../../core/archive/relation-import.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, oneOf, readShape, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { archiveUploadRoutes } from "./archive-uploads.ts";
import { viewerOf } from "../request-accounts.ts";

export interface ArchiveRoutesDependencies {
  archives: ArchiveJobs;
}

function jobEntity(job: ArchiveJobState | null) {
  if (!job) return null;
  return { kind: job.kind, started_at: job.startedAt, file_name: job.fileName, step: job.step, done: job.done, total: job.total };
}

function outcomeEntity(outcome: ArchiveOutcome | null) {
  if (!outcome) return null;
  const { archive, csv } = outcome;
  return {
    kind: outcome.kind,
    file_name: outcome.fileName,
    finished_at: outcome.finishedAt,
    error: outcome.error,
    archive: archive && {
      account: archive.archiveAccount,
      total: archive.total,
      imported: archive.imported,
      already_present: archive.alreadyPresent,
      direct_left_out: archive.directLeftOut,
      boosts_skipped: archive.boostsSkipped,
      media_imported: archive.mediaImported,
      media_problems: archive.mediaProblems,
      likes: archive.likes,
      bookmarks: archive.bookmarks,
      stopped: archive.stopped,
    },
    csv: csv && { type: csv.type, mode: csv.mode, rows: csv.rows, imported: csv.imported, failures: csv.failures, beyond_limit: csv.beyondLimit, removed: csv.removed },
    export: outcome.export && { statuses: outcome.export.statuses, media_files: outcome.export.mediaFiles, likes: outcome.export.likes, bookmarks: outcome.export.bookmarks },
  };
}

function statusEntity(status: ArchiveStatus) {
  return {
    running: jobEntity(status.running),
    last_export: status.lastExport && { file_name: basename(status.lastExport.path), bytes: status.lastExport.bytes, created_at: status.lastExport.createdAt },
    last_outcome: outcomeEntity(status.lastOutcome),
  };
}

const ImportQuery = {
  name: text(),
  mode: oneOf(IMPORT_MODES, (value) => `"${value}" is not an import mode; use merge or overwrite.`),
  include_direct: flag(false),
  force: flag(false),
};

/**
 * /api/hearth/archive: each signed-in account's own archive, as `hearth import` and `hearth export` give it
 * on the command line. GET where it stands (the job running and its progress, the last export, how the last
 * job ended); POST /import with the file as the raw body (its name in ?name=, a CSV's mode in ?mode=), written
 * to the data directory as it arrives (for scripts; the web client uploads in chunks, /uploads); POST /export; GET /export/download, the newest export streamed. The
 * POSTs answer 202 and are followed by polling, as /api/hearth/backups.
 */
export function archiveRoutes({ archives }: ArchiveRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(statusEntity(await archives.status(viewerOf(c).id)));
  });

  routes.post("/import", requireUser("write"), async (c) => {
    const input = readShape(c.req.query(), ImportQuery);
    // Refused before a byte is read when the browser says the size; otherwise counted as it arrives.
    const declared = Number(c.req.header("Content-Length") ?? Number.NaN);
    // The rest of a refused body is never read: the connection cannot carry another request after it.
    if (declared > archives.maxUploadBytes) {
      c.header("Connection", "close");
      return mastodonError(c, 413, tooLargeSentence(archives.maxUploadBytes));
    }
    const accountId = viewerOf(c).id;
    try {
      await archives.startImport(accountId, {
        fileName: input.name ?? "upload",
        body: c.req.raw.body as WebReadableStream<Uint8Array> | null,
        mode: input.mode ?? "merge",
        includeDirect: input.include_direct,
        force: input.force,
      });
    } catch (error) {
      if (error instanceof UploadTooLarge) {
        c.header("Connection", "close");
        return mastodonError(c, 413, error.message);
      }
      throw error;
    }
    return c.json(statusEntity(await archives.status(accountId)), 202);
  });

  routes.route("/uploads", archiveUploadRoutes({ archives, archiveState: async (accountId) => statusEntity(await archives.status(accountId)) }));

  routes.post("/export", requireUser("write"), async (c) => {
    const accountId = viewerOf(c).id;
    archives.startExport(accountId);
    return c.json(statusEntity(await archives.status(accountId)), 202);
  });

  routes.get("/export/download", requireUser("read"), async (c) => {
    const file = await archives.exportFile(viewerOf(c).id);
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Length": String(file.bytes),
        "Content-Disposition": `attachment; filename="${basename(file.path).replace(/[^\w.-]/g, "_")}"`,
        "Cache-Control": "no-store",
      },
    });
  });

  return routes;
}
