import type { Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { ProcessedUpload } from "../media/media.ts";
import { write, type WriteTransaction } from "../write.ts";
import { ArchivedStatusRows, type KnownStatus } from "./archived-status-rows.ts";

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

/**
 * What a batch refers to, read with a few statements for the whole batch rather than some per post: the
 * batch's own posts already in (an earlier run), the parents and boosted posts it names by id, and the
 * accounts it mentions. Posts stored while the batch runs are added as they are stored.
 */
interface BatchLookups {
  /** This account's imports by their archive id. */
  imported: Map<string, KnownStatus>;
  /** Other stored statuses by their ActivityPub id. */
  remote: Map<string, KnownStatus>;
  accounts: Map<string, string>;
}

async function readBatchLookups(trx: WriteTransaction, accountId: string, entries: readonly ArchivedEntry[]): Promise<BatchLookups> {
  const referenced = new Set<string>(entries.map((entry) => entry.importUri));
  const mentionUris = new Set<string>();
  for (const entry of entries) {
    if (entry.kind === "boost") referenced.add(entry.objectUri);
    else {
      if (entry.inReplyToUri) referenced.add(entry.inReplyToUri);
      for (const uri of entry.mentionUris) mentionUris.add(uri);
    }
  }
  const uris = [...referenced];
  const imported = new Map<string, KnownStatus>();
  const remote = new Map<string, KnownStatus>();
  const accounts = new Map<string, string>();
  for (const chunk of chunks(uris)) {
    const importedRows = await trx
      .selectFrom("statuses")
      .select(["id", "import_uri", "conversation_id"])
      .where("account_id", "=", accountId)
      .where("import_uri", "in", chunk)
      .execute();
    for (const row of importedRows) if (row.import_uri !== null) imported.set(row.import_uri, { id: row.id, accountId, conversationId: row.conversation_id });
    const remoteRows = await trx.selectFrom("statuses").select(["id", "uri", "account_id", "conversation_id"]).where("uri", "in", chunk).execute();
    for (const row of remoteRows) if (row.uri !== null) remote.set(row.uri, { id: row.id, accountId: row.account_id, conversationId: row.conversation_id });
  }
  for (const chunk of chunks([...mentionUris])) {
    const rows = await trx.selectFrom("accounts").select(["id", "uri"]).where("uri", "in", chunk).execute();
    for (const row of rows) if (row.uri !== null) accounts.set(row.uri, row.id);
  }
  return { imported, remote, accounts };
}

// SQLite binds at most 32,766 parameters a statement; a batch's ids stay far below in chunks of this size.
const LOOKUP_CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += LOOKUP_CHUNK) result.push(items.slice(index, index + LOOKUP_CHUNK));
  return result;
}

/** As findStatusIdByUri: one of this account's imports first, then a stored remote status. */
function statusByUri(lookups: BatchLookups, uri: string): KnownStatus | undefined {
  return lookups.imported.get(uri) ?? lookups.remote.get(uri);
}

/**
 * The archive is in order, but a reply met before its parent (in this batch or an earlier one) is threaded
 * when the parent comes: one read for the batch's new posts, and an update for each parent that has some.
 */
async function threadEarlierReplies(trx: WriteTransaction, accountId: string, parentUris: readonly string[], lookups: BatchLookups): Promise<void> {
  const waiting = new Map<string, string[]>();
  for (const chunk of chunks(parentUris)) {
    const rows = await trx
      .selectFrom("statuses")
      .select(["id", "in_reply_to_uri"])
      .where("account_id", "=", accountId)
      .where("in_reply_to_uri", "in", chunk)
      .where("in_reply_to_id", "is", null)
      .execute();
    for (const row of rows) if (row.in_reply_to_uri !== null) waiting.set(row.in_reply_to_uri, [...(waiting.get(row.in_reply_to_uri) ?? []), row.id]);
  }
  for (const [uri, replyIds] of waiting) {
    const parent = lookups.imported.get(uri);
    // A post that names itself as its parent is no one's reply: never its own ancestor.
    const orphans = replyIds.filter((id) => id !== parent?.id);
    if (!parent || orphans.length === 0) continue;
    await trx
      .updateTable("statuses")
      .set({ in_reply_to_id: parent.id, in_reply_to_account_id: accountId, conversation_id: parent.conversationId })
      .where("id", "in", orphans)
      .execute();
  }
}

/** One batch, one transaction: all of it is in after the commit, or none of it. */
export async function importArchivedBatch(ctx: CoreContext, accountId: string, entries: readonly ArchivedEntry[]): Promise<ArchivedBatchResult> {
  return write(ctx, async (trx) => {
    const result: ArchivedBatchResult = { imported: 0, present: 0, boostsSkipped: 0 };
    const lookups = await readBatchLookups(trx, accountId, entries);
    const rows = new ArchivedStatusRows(ctx, accountId);
    const storedStatuses: string[] = [];
    for (const entry of entries) {
      // In already: from an earlier run, or earlier in this batch (an archive naming one post twice).
      if (lookups.imported.has(entry.importUri)) {
        result.present++;
        continue;
      }
      if (entry.kind === "status") {
        const parent = entry.inReplyToUri ? statusByUri(lookups, entry.inReplyToUri) : undefined;
        const mentioned = entry.mentionUris.flatMap((uri) => lookups.accounts.get(uri) ?? []);
        lookups.imported.set(entry.importUri, rows.addStatus(entry, parent, mentioned));
        storedStatuses.push(entry.importUri);
        result.imported++;
        continue;
      }
      const original = statusByUri(lookups, entry.objectUri);
      if (original) {
        lookups.imported.set(entry.importUri, rows.addBoost(entry, original.id));
        result.imported++;
      } else {
        result.boostsSkipped++;
      }
    }
    await rows.insert(trx);
    await threadEarlierReplies(trx, accountId, storedStatuses, lookups);
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
