import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import {
  deleteUpload,
  getOwnUnattachedUpload,
  parseFocus,
  updateUpload,
  validateDescription,
  type UploadChanges,
} from "../../core/media/media.ts";
import type { MediaSizeLimits } from "../../media/media-types.ts";
import type { MediaStorage } from "../../media/storage.ts";
import { removeStoredFiles } from "../../media/attachment-files.ts";
import type { MediaUploads, UploadRequest } from "../../media/uploads.ts";
import { requireUser } from "../auth.ts";
import { toMediaAttachment } from "../entities/media-attachment.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { mastodonError } from "../mastodon-error.ts";
import { file, presentText, readInput, text, type Field, type Input } from "../input.ts";
import type { MediaAttachmentRow } from "../../core/rows.ts";

export interface MediaRoutesDependencies {
  core: CoreContext;
  origin(): string;
  /** The files under <dataDir>/media, what fills them, and the size limits. */
  media: { uploads: MediaUploads; storage: MediaStorage; limits: MediaSizeLimits };
}

const PROCESSING_FAILED = "Error processing thumbnail for uploaded media";

function accountIdOf(c: Context<HonoApiEnv>): string {
  const account = c.get("auth")?.account;
  // requireUser ran first: a user token always has its account.
  if (!account) throw new Error("A media endpoint ran without a signed-in account.");
  return account.id;
}

/** The file itself, which an upload cannot do without. */
function upload(): Field<File> {
  const read = file();
  return (params, name) => {
    const uploaded = read(params, name);
    if (!uploaded) throw new Invalid(`No file was uploaded: send it as the multipart field "${name}".`);
    return uploaded;
  };
}

/** Alt text as sent ("" is kept: it clears the description on PUT) and the focal point. */
const Changes = { description: text(), focus: presentText() };
const Upload = { file: upload(), thumbnail: file(), ...Changes };

function changesOf(input: Input<typeof Changes>): UploadChanges {
  return {
    ...(input.description !== undefined && { description: validateDescription(input.description) }),
    ...(input.focus !== undefined && { focus: parseFocus(input.focus) }),
  };
}

async function uploadRequestOf(c: Context<HonoApiEnv>): Promise<UploadRequest> {
  const input = await readInput(c, Upload);
  const changes = changesOf(input);
  return {
    accountId: accountIdOf(c),
    file: new Uint8Array(await input.file.arrayBuffer()),
    thumbnail: input.thumbnail ? new Uint8Array(await input.thumbnail.arrayBuffer()) : undefined,
    description: changes.description ?? null,
    focus: changes.focus ?? null,
  };
}

/** GET and PUT answer 206 while the file is processed, as Mastodon does; clients poll until 200. */
function statusOf(row: MediaAttachmentRow): 200 | 206 {
  return row.processing === "pending" ? 206 : 200;
}

/**
 * An upload's chain: the body within the size limit (room for the largest file, a thumbnail and the multipart
 * framing; the size checks proper come after), the upload, the MediaAttachment.
 */
function uploadRoute({ origin, media }: MediaRoutesDependencies, background: boolean) {
  const limitBody = bodyLimit({
    maxSize: media.limits.videoSizeLimit + media.limits.imageSizeLimit + 1024 * 1024,
    onError: (c) => mastodonError(c, 413, "The upload is larger than this server accepts."),
  });
  const upload = async (c: Context<HonoApiEnv>) => {
    const request = await uploadRequestOf(c);
    if (background) return c.json(toMediaAttachment(await media.uploads.uploadInBackground(request), origin()), 202);
    return c.json(toMediaAttachment(await media.uploads.upload(request), origin()), 200);
  };
  return [limitBody, upload] as const;
}

/** /api/v1/media: an upload processed before it answers, and an upload not yet attached, read, changed or deleted. */
export function mediaV1Routes(deps: MediaRoutesDependencies): Hono<HonoApiEnv> {
  const { core, origin, media } = deps;
  const entity = (row: MediaAttachmentRow) => toMediaAttachment(row, origin());

  const v1 = new Hono<HonoApiEnv>();
  v1.use("*", requireUser("write:media"));
  v1.post("/", ...uploadRoute(deps, false));

  v1.get("/:id", async (c) => {
    const row = await getOwnUnattachedUpload(core, accountIdOf(c), c.req.param("id"));
    if (!row) throw new NotFound(`There is no upload ${c.req.param("id")} of yours that is not attached yet.`);
    if (row.processing === "failed") throw new Invalid(PROCESSING_FAILED);
    return c.json(entity(row), statusOf(row));
  });

  v1.put("/:id", async (c) => {
    const accountId = accountIdOf(c);
    const existing = await getOwnUnattachedUpload(core, accountId, c.req.param("id"));
    if (!existing) throw new NotFound(`There is no upload ${c.req.param("id")} of yours that is not attached yet.`);
    if (existing.processing === "failed") throw new Invalid(PROCESSING_FAILED);
    const row = await updateUpload(core, accountId, existing.id, changesOf(await readInput(c, Changes)));
    if (!row) throw new NotFound(`There is no upload ${c.req.param("id")} of yours that is not attached yet.`);
    return c.json(entity(row), statusOf(row));
  });

  v1.delete("/:id", async (c) => {
    const result = await deleteUpload(core, accountIdOf(c), c.req.param("id"));
    if (result === undefined) throw new NotFound(`There is no upload ${c.req.param("id")} of yours that is not attached yet.`);
    if (result === "attached") throw new Invalid("Media attachment is currently used by a status");
    await removeStoredFiles(media.storage, [result.deleted]);
    return c.json({});
  });

  return v1;
}

/** POST /api/v2/media: answers 202 at once, and the client polls /api/v1/media/:id until it is processed. */
export function mediaV2Routes(deps: MediaRoutesDependencies): Hono<HonoApiEnv> {
  const v2 = new Hono<HonoApiEnv>();
  v2.use("*", requireUser("write:media"));
  v2.post("/", ...uploadRoute(deps, true));
  return v2;
}
