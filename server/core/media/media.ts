import { createHash, timingSafeEqual } from "node:crypto";
import type { MediaType } from "../../db/schema.ts";
import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { LIMITS } from "../limits.ts";
import type { MediaAttachmentRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Uploads as rows. A local upload is made pending (before its file is processed), then done or failed; it
 * waits unattached (status_id null) until a status of its owner takes it, and what no status took within a
 * day goes. Files are not core's: the functions here return the stored paths for the media layer to handle.
 */

/** Where every stored file is served: /media/<path relative to the media folder>. */
export const MEDIA_URL_PREFIX = "/media/";

/** The public URL of a file stored under the data directory's media folder. */
export function mediaFileUrl(origin: string, relativePath: string): string {
  return new URL(`${MEDIA_URL_PREFIX}${relativePath}`, origin).href;
}

/**
 * The capability in a remote attachment's /media_proxy address (`?k=`). Our ids are time-sortable, so an id
 * alone can be guessed, and the proxy is public through the tunnel: without the key anyone could read the
 * media of a followers-only or direct status. The key derives from the peer's own address, which only someone
 * who could see the status knows, and whoever knows it can fetch the file from the peer anyway.
 */
export function remoteMediaKey(remoteUrl: string): string {
  return createHash("sha256").update(remoteUrl).digest("base64url").slice(0, 16);
}

/** Whether `given` (the `k` of a proxy request) is the key of `remoteUrl`, compared in constant time. */
export function isRemoteMediaKey(remoteUrl: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(remoteMediaKey(remoteUrl));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A focal point, each coordinate in [-1, 1] (Mastodon's guidelines: x right, y up). */
export interface MediaFocus {
  x: number;
  y: number;
}

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** "x,y" as clients send it, e.g. "-0.42,0.69". */
export function parseFocus(text: string): MediaFocus {
  const parts = text.split(",");
  const [x, y] = parts.map((part) => (NUMBER.test(part) ? Number(part) : Number.NaN));
  if (parts.length !== 2 || x === undefined || y === undefined || !(Math.abs(x) <= 1) || !(Math.abs(y) <= 1)) {
    throw new Invalid(`The focus "${text}" is not a focal point: give two numbers from -1.0 to 1.0 separated by a comma, such as "0.5,-0.25".`);
  }
  // -0 would print as 0 anyway; keep the stored value plain.
  return { x: x + 0, y: y + 0 };
}

/** Alt text: trimmed of nothing (people format it), empty meaning none, at most Mastodon's 1,500 characters. */
export function validateDescription(text: string): string | null {
  const length = [...text].length;
  if (length > LIMITS.media.descriptionLimit) {
    throw new Invalid(`The description is ${length} characters long; media descriptions may be at most ${LIMITS.media.descriptionLimit}.`);
  }
  return text === "" ? null : text;
}

export interface NewUpload {
  accountId: string;
  type: MediaType;
  contentType: string;
  description?: string | null;
  focus?: MediaFocus | null;
}

/** An upload accepted for processing: the row that clients poll while its file is made. */
export async function createPendingUpload(ctx: CoreContext, input: NewUpload): Promise<MediaAttachmentRow> {
  const now = ctx.clock.now();
  return write(ctx, (trx) =>
    trx
      .insertInto("media_attachments")
      .values({
        id: ctx.ids.next(now),
        account_id: input.accountId,
        type: input.type,
        content_type: input.contentType,
        description: input.description ?? null,
        focus_x: input.focus?.x ?? null,
        focus_y: input.focus?.y ?? null,
        processing: "pending",
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** What processing made of an upload. */
export interface ProcessedUpload {
  type: MediaType;
  contentType: string;
  file: string;
  thumbnailFile: string | null;
  blurhash: string | null;
  /** Mastodon's meta without the focus (that lives in its own columns): original, small, duration. */
  meta: Record<string, unknown>;
}

/** Marks an upload done with its files; undefined when the row was deleted meanwhile (the caller drops the files). */
export async function completeUpload(ctx: CoreContext, id: string, processed: ProcessedUpload): Promise<MediaAttachmentRow | undefined> {
  return write(ctx, (trx) =>
    trx
      .updateTable("media_attachments")
      .set({
        type: processed.type,
        content_type: processed.contentType,
        file: processed.file,
        thumbnail_file: processed.thumbnailFile,
        blurhash: processed.blurhash,
        meta_json: JSON.stringify(processed.meta),
        processing: "done",
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", id)
      .where("processing", "=", "pending")
      .returningAll()
      .executeTakeFirst(),
  );
}

export async function failUpload(ctx: CoreContext, id: string): Promise<void> {
  await write(ctx, (trx) =>
    trx
      .updateTable("media_attachments")
      .set({ processing: "failed", updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", id)
      .where("processing", "=", "pending")
      .execute(),
  );
}

/**
 * Uploads whose processing was under way when the process stopped: their bytes were only in memory, so they
 * fail, and the client that polls them hears so rather than waiting forever. Call once at start.
 */
export async function failInterruptedUploads(ctx: CoreContext): Promise<number> {
  const result = await write(ctx, (trx) =>
    trx
      .updateTable("media_attachments")
      .set({ processing: "failed", updated_at: ctx.clock.now().toISOString() })
      .where("processing", "=", "pending")
      .where("remote_url", "is", null)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows);
}

export async function getMediaAttachment(ctx: CoreContext, id: string): Promise<MediaAttachmentRow | undefined> {
  return ctx.db.selectFrom("media_attachments").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * An account's own upload that no status has taken yet: what GET, PUT and DELETE /api/v1/media/:id may reach,
 * as on Mastodon (once posted, media changes through the status's edit).
 */
export async function getOwnUnattachedUpload(ctx: CoreContext, accountId: string, id: string): Promise<MediaAttachmentRow | undefined> {
  return ctx.db
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .where("status_id", "is", null)
    .where("remote_url", "is", null)
    .executeTakeFirst();
}

export interface UploadChanges {
  /** null or "" removes the description. */
  description?: string | null;
  focus?: MediaFocus | null;
}

/** Changes the alt text or focal point of the account's own unattached upload; undefined when there is none. */
export async function updateUpload(ctx: CoreContext, accountId: string, id: string, changes: UploadChanges): Promise<MediaAttachmentRow | undefined> {
  const description = changes.description === undefined ? undefined : validateDescription(changes.description ?? "");
  return write(ctx, async (trx) => {
    const upload = await getOwnUnattachedUpload({ ...ctx, db: trx }, accountId, id);
    if (!upload) return undefined;
    return trx
      .updateTable("media_attachments")
      .set({
        ...(description !== undefined && { description }),
        ...(changes.focus !== undefined && { focus_x: changes.focus?.x ?? null, focus_y: changes.focus?.y ?? null }),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", upload.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The stored files of a row, for the media layer to remove once the row is gone. */
export function storedFilesOf(row: Pick<MediaAttachmentRow, "file" | "thumbnail_file">): string[] {
  return [row.file, row.thumbnail_file].filter((file): file is string => file !== null);
}

/**
 * Deletes the account's own upload if no status (nor scheduled status) holds it. "attached" when one does,
 * which Mastodon answers with 422; undefined when there is no such upload of theirs.
 */
export async function deleteUpload(
  ctx: CoreContext,
  accountId: string,
  id: string,
): Promise<{ deleted: MediaAttachmentRow } | "attached" | undefined> {
  return write(ctx, async (trx) => {
    const row = await trx
      .selectFrom("media_attachments")
      .selectAll()
      .where("id", "=", id)
      .where("account_id", "=", accountId)
      .where("remote_url", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.status_id !== null || row.scheduled_status_id !== null) return "attached";
    await trx.deleteFrom("media_attachments").where("id", "=", row.id).execute();
    return { deleted: row };
  });
}

/** Uploads no status took: how long they wait before they go, as on Mastodon. */
export const UNATTACHED_UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes unattached rows older than the lifetime: uploads never posted, and links to remote media whose
 * status is gone. Returns them, so their files can go too.
 */
export async function removeStaleUploads(ctx: CoreContext, lifetimeMs = UNATTACHED_UPLOAD_LIFETIME_MS): Promise<MediaAttachmentRow[]> {
  const cutoff = new Date(ctx.clock.now().getTime() - lifetimeMs).toISOString();
  return write(ctx, (trx) =>
    trx
      .deleteFrom("media_attachments")
      .where("status_id", "is", null)
      .where("scheduled_status_id", "is", null)
      .where("created_at", "<", cutoff)
      .returningAll()
      .execute(),
  );
}

/** Forgets an upload that could not be processed while its client waited (POST /api/v1/media answers the error). */
export async function discardUpload(ctx: CoreContext, id: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("media_attachments").where("id", "=", id).execute());
}

/** Remote media whose file is now kept here too: the files to serve in place of the peer's. */
export interface CachedRemoteMedia {
  file: string;
  thumbnailFile: string | null;
  /** Ours, where the peer sent none. */
  blurhash: string | null;
  /** Sizes measured here; they win over what the peer said. */
  meta: Record<string, unknown>;
}

/**
 * Records the cached copy of a remote attachment. Undefined when the row is gone or already has a copy (two
 * fetches raced): the caller then removes the files it wrote.
 */
export async function recordCachedRemoteMedia(ctx: CoreContext, id: string, cached: CachedRemoteMedia): Promise<MediaAttachmentRow | undefined> {
  return write(ctx, async (trx) => {
    const row = await trx.selectFrom("media_attachments").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || row.remote_url === null || row.file !== null) return undefined;
    const meta = { ...(JSON.parse(row.meta_json) as Record<string, unknown>), ...cached.meta };
    return trx
      .updateTable("media_attachments")
      .set({
        file: cached.file,
        thumbnail_file: cached.thumbnailFile,
        blurhash: row.blurhash ?? cached.blurhash,
        meta_json: JSON.stringify(meta),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
  });
}
