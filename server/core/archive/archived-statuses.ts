import type { Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { ProcessedUpload } from "../media/media.ts";
import { insertStatus, writeStatusSearchRow } from "../statuses/status-store.ts";
import { write, type WriteTransaction } from "../write.ts";

/**
 * Posts brought in from another server's archive (`hearth import`). They become the account's own statuses
 * with their original dates (ids made from those dates, so they sort among the rest by when they were
 * written), and nothing else happens: no home feed rows, no notifications, nothing federated. The archive's
 * id is kept in import_uri, so a second run adds nothing twice and a run after a crash goes on where the last
 * commit stopped.
 */

/** An attachment whose files the media pipeline already wrote. */
export interface ArchivedMedia {
  /** The id its files are named by (an id at the post's date). */
  id: string;
  processed: ProcessedUpload;
  /** Alt text (the attachment's `name`). */
  description: string | null;
  focusX: number | null;
  focusY: number | null;
}

export interface ArchivedStatus {
  kind: "status";
  /** The post's id on its old server. */
  importUri: string;
  visibility: Visibility;
  /** Sanitised HTML. */
  content: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  createdAt: string;
  editedAt: string | null;
  inReplyToUri: string | null;
  /** Accounts already stored here that the post mentions, by their ActivityPub ids. */
  mentionUris: readonly string[];
  tagNames: readonly string[];
  media: readonly ArchivedMedia[];
}

/** A boost: kept only when the boosted post is stored here (one of the archive's own, or a remote one we have). */
export interface ArchivedBoost {
  kind: "boost";
  /** The Announce's id on the old server. */
  importUri: string;
  objectUri: string;
  visibility: Visibility;
  createdAt: string;
}

export type ArchivedEntry = ArchivedStatus | ArchivedBoost;

export interface ArchivedBatchResult {
  imported: number;
  /** Already in from an earlier run. */
  present: number;
  /** Boosts of posts not stored here: the schema needs the boosted status's row. */
  boostsSkipped: number;
}

/** Which of these archive ids the account already has, so a re-run skips them before processing their media. */
export async function findImportedUris(ctx: CoreContext, accountId: string, importUris: readonly string[]): Promise<Set<string>> {
  if (importUris.length === 0) return new Set();
  const rows = await ctx.db
    .selectFrom("statuses")
    .select("import_uri")
    .where("account_id", "=", accountId)
    .where("import_uri", "in", importUris)
    .execute();
  return new Set(rows.map((row) => row.import_uri ?? ""));
}

/** A stored status by the id it has elsewhere: a remote one's uri, or one of this account's imports. */
async function findStatusIdByUri(trx: WriteTransaction, accountId: string, uri: string): Promise<string | undefined> {
  const imported = await trx.selectFrom("statuses").select("id").where("account_id", "=", accountId).where("import_uri", "=", uri).executeTakeFirst();
  if (imported) return imported.id;
  return (await trx.selectFrom("statuses").select("id").where("uri", "=", uri).executeTakeFirst())?.id;
}

async function insertArchivedMedia(ctx: CoreContext, trx: WriteTransaction, accountId: string, createdAt: string, media: readonly ArchivedMedia[]): Promise<string[]> {
  const ids: string[] = [];
  const now = ctx.clock.now().toISOString();
  for (const item of media) {
    const id = item.id;
    await trx
      .insertInto("media_attachments")
      .values({
        id,
        account_id: accountId,
        type: item.processed.type,
        content_type: item.processed.contentType,
        file: item.processed.file,
        thumbnail_file: item.processed.thumbnailFile,
        blurhash: item.processed.blurhash,
        meta_json: JSON.stringify(item.processed.meta),
        description: item.description,
        focus_x: item.focusX,
        focus_y: item.focusY,
        processing: "done",
        created_at: createdAt,
        updated_at: now,
      })
      .execute();
    ids.push(id);
  }
  return ids;
}

async function importStatus(ctx: CoreContext, trx: WriteTransaction, accountId: string, entry: ArchivedStatus): Promise<void> {
  const inReplyToId = entry.inReplyToUri ? await findStatusIdByUri(trx, accountId, entry.inReplyToUri) : undefined;
  const mentioned = entry.mentionUris.length
    ? await trx.selectFrom("accounts").select("id").where("uri", "in", entry.mentionUris).execute()
    : [];
  const mediaIds = await insertArchivedMedia(ctx, trx, accountId, entry.createdAt, entry.media);
  const status = await insertStatus(ctx, trx, {
    accountId,
    local: true,
    visibility: entry.visibility,
    content: entry.content,
    spoilerText: entry.spoilerText,
    sensitive: entry.sensitive,
    language: entry.language,
    createdAt: entry.createdAt,
    editedAt: entry.editedAt,
    inReplyToId: inReplyToId ?? null,
    inReplyToUri: entry.inReplyToUri,
    // Nobody is told: these mentions were made, and heard, on the old server years ago.
    mentions: mentioned.map((row) => ({ accountId: row.id, silent: true })),
    tags: entry.tagNames,
    mediaIds,
  });
  await trx.updateTable("statuses").set({ import_uri: entry.importUri }).where("id", "=", status.id).execute();
  // The archive is in order, but a reply met before its parent is threaded when the parent comes.
  const orphans = await trx
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", accountId)
    .where("in_reply_to_uri", "=", entry.importUri)
    .where("in_reply_to_id", "is", null)
    .where("id", "!=", status.id)
    .execute();
  if (orphans.length > 0) {
    await trx
      .updateTable("statuses")
      .set({ in_reply_to_id: status.id, in_reply_to_account_id: accountId, conversation_id: status.conversation_id })
      .where("id", "in", orphans.map((row) => row.id))
      .execute();
  }
  if (mediaIds.length > 0) await writeStatusSearchRow(trx, status.id);
}

async function importBoost(ctx: CoreContext, trx: WriteTransaction, accountId: string, entry: ArchivedBoost): Promise<boolean> {
  const originalId = await findStatusIdByUri(trx, accountId, entry.objectUri);
  if (!originalId) return false;
  const boost = await insertStatus(ctx, trx, {
    accountId,
    local: true,
    visibility: entry.visibility,
    createdAt: entry.createdAt,
    reblogOfId: originalId,
  });
  await trx.updateTable("statuses").set({ import_uri: entry.importUri }).where("id", "=", boost.id).execute();
  return true;
}

/** One batch, one transaction: all of it is in after the commit, or none of it. */
export async function importArchivedBatch(ctx: CoreContext, accountId: string, entries: readonly ArchivedEntry[]): Promise<ArchivedBatchResult> {
  return write(ctx, async (trx) => {
    const result: ArchivedBatchResult = { imported: 0, present: 0, boostsSkipped: 0 };
    for (const entry of entries) {
      const present = await trx
        .selectFrom("statuses")
        .select("id")
        .where("account_id", "=", accountId)
        .where("import_uri", "=", entry.importUri)
        .executeTakeFirst();
      if (present) {
        result.present++;
        continue;
      }
      if (entry.kind === "status") {
        await importStatus(ctx, trx, accountId, entry);
        result.imported++;
      } else if (await importBoost(ctx, trx, accountId, entry)) {
        result.imported++;
      } else {
        result.boostsSkipped++;
      }
    }
    return result;
  });
}

export interface ArchivedInteractionsResult {
  stored: number;
  /** Posts not stored here (and not reached, when the caller could look): counted, not kept. */
  unresolved: number;
}

/**
 * Likes (favourites) or bookmarks from the archive, which names the posts only by id. Those stored here are
 * kept, with no Like sent: they were sent when they were made.
 */
export async function importArchivedInteractions(
  ctx: CoreContext,
  accountId: string,
  kind: "favourites" | "bookmarks",
  uris: readonly string[],
): Promise<ArchivedInteractionsResult> {
  return write(ctx, async (trx) => {
    const result: ArchivedInteractionsResult = { stored: 0, unresolved: 0 };
    const now = ctx.clock.now().toISOString();
    for (const uri of uris) {
      const statusId = await findStatusIdByUri(trx, accountId, uri);
      if (!statusId) {
        result.unresolved++;
        continue;
      }
      await trx
        .insertInto(kind)
        .values({ id: ctx.ids.next(), account_id: accountId, status_id: statusId, created_at: now })
        .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
        .execute();
      result.stored++;
    }
    return result;
  });
}
