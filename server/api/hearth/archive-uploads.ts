import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Hono, type Context } from "hono";
import type { ArchiveJobs } from "../../archive/archive-jobs.ts";
import { UploadTooLarge } from "../../archive/archive-upload.ts";
import { UploadOffsetConflict, type UploadSessionState } from "../../archive/upload-sessions.ts";
import { Invalid } from "../../core/errors.ts";
import { IMPORT_MODES } from "../../core/archive/relation-import.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, oneOf, readInput, readShape, requiredText, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { viewerOf } from "../request-accounts.ts";

export interface ArchiveUploadRoutesDependencies {
  archives: ArchiveJobs;
  /** The answer of GET /api/hearth/archive, which finishing an upload gives as the one-request import does. */
  archiveState(accountId: string): Promise<unknown>;
}

const NewUpload = {
  name: text(),
  size: requiredText("size is missing: say the file's size in bytes."),
  mode: oneOf(IMPORT_MODES, (value) => `"${value}" is not an import mode; use merge or overwrite.`),
  include_direct: flag(false),
  force: flag(false),
};

const Chunk = { offset: requiredText("offset is missing: say where in the file this chunk starts.") };

function byteCount(value: string, name: string): number {
  if (!/^\d{1,16}$/.test(value)) throw new Invalid(`${name} must be a whole number of bytes.`);
  return Number(value);
}

function uploadEntity({ session, offset }: UploadSessionState, chunkBytes: number) {
  return { id: session.id, file_name: session.fileName, size: session.size, offset, chunk_bytes: chunkBytes, created_at: session.createdAt };
}

/** A refusal whose request body was not read whole: the connection cannot carry another request after it. */
function tooLarge(c: Context<HonoApiEnv>, error: UploadTooLarge): Response {
  c.header("Connection", "close");
  return mastodonError(c, 413, error.message);
}

/** The refusals that carry more than a sentence: where the upload stands, or a connection to close. */
async function answering(c: Context<HonoApiEnv>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UploadOffsetConflict) return c.json({ error: error.message, offset: error.offset }, 409);
    if (error instanceof UploadTooLarge) return tooLarge(c, error);
    throw error;
  }
}

/**
 * /api/hearth/archive/uploads: the web client's upload of an archive in chunks, so a cut-off upload goes on
 * from what the server has (the one-request POST /api/hearth/archive/import stays for scripts). POST starts
 * one with the file's name, size and import choices and answers its id, offset and largest chunk; GET /:id
 * says its offset (after a reload, the page asks before going on); PATCH /:id?offset=N appends the raw body
 * at N, 409 with `offset` when N is not where the upload stands; POST /:id/finish starts the import (202, as
 * the one-request import); DELETE /:id abandons it. Each upload is its account's: another's token gets 403.
 */
export function archiveUploadRoutes({ archives, archiveState }: ArchiveUploadRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const { uploads } = archives;

  routes.post("/", requireUser("write"), (c) =>
    answering(c, async () => {
      c.header("Cache-Control", "no-store");
      const input = await readInput(c, NewUpload);
      const started = await uploads.create(viewerOf(c).id, {
        fileName: input.name ?? "upload",
        size: byteCount(input.size, "size"),
        mode: input.mode ?? "merge",
        includeDirect: input.include_direct,
        force: input.force,
      });
      return c.json(uploadEntity(started, uploads.chunkBytes), 201);
    }),
  );

  routes.get("/:id", requireUser("write"), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(uploadEntity(await uploads.get(viewerOf(c).id, c.req.param("id")), uploads.chunkBytes));
  });

  routes.patch("/:id", requireUser("write"), (c) =>
    answering(c, async () => {
      const { offset } = readShape(c.req.query(), Chunk);
      const declared = c.req.header("Content-Length");
      const appended = await uploads.append(
        viewerOf(c).id,
        c.req.param("id"),
        byteCount(offset, "offset"),
        c.req.raw.body as WebReadableStream<Uint8Array> | null,
        declared === undefined ? undefined : Number(declared),
      );
      return c.json(uploadEntity(appended, uploads.chunkBytes));
    }),
  );

  routes.post("/:id/finish", requireUser("write"), (c) =>
    answering(c, async () => {
      const accountId = viewerOf(c).id;
      await archives.finishUpload(accountId, c.req.param("id"));
      return c.json(await archiveState(accountId), 202);
    }),
  );

  routes.delete("/:id", requireUser("write"), async (c) => {
    await uploads.remove(viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  return routes;
}
