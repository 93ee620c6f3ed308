import type { Insertable } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { insertStatusSearchRows, newStatusRow, searchBody, writeTags } from "../statuses/status-store.ts";
import type { WriteTransaction } from "../write.ts";
import type { ArchivedBoost, ArchivedStatus } from "./archived-statuses.ts";

/**
 * A batch of archived posts as rows, written with a few multi-row statements for the whole batch: what
 * insertStatus (statuses/status-store.ts) writes for one post, a statement per row, which cost ~90 µs of
 * SQLite's per-statement work a status row against ~30 µs in rows of a hundred (issue #17). Foreign keys are
 * checked at the end of each statement, so a reply or a boost of a post earlier in the batch may share its
 * statement; the statements run in an order that has every row they point to in already (conversations,
 * statuses, then what hangs off them).
 */

/** A post the batch's rows can point to: an import of this account, or a stored remote status. */
export interface KnownStatus {
  id: string;
  accountId: string;
  conversationId: string | null;
}

// SQLite binds at most 32,766 parameters a statement: statuses have 24 columns, media 16.
const ROWS_A_STATEMENT = 100;

function inChunks<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_A_STATEMENT) chunks.push(rows.slice(start, start + ROWS_A_STATEMENT));
  return chunks;
}

export class ArchivedStatusRows {
  readonly #ctx: CoreContext;
  readonly #accountId: string;
  readonly #now: string;
  readonly #conversations: Array<{ id: string; uri: null; created_at: string }> = [];
  readonly #statuses: Array<Insertable<DatabaseSchema["statuses"]>> = [];
  readonly #media: Array<Insertable<DatabaseSchema["media_attachments"]>> = [];
  readonly #mentions: Array<{ status_id: string; account_id: string; silent: number }> = [];
  readonly #tags: Array<{ statusId: string; names: readonly string[] }> = [];
  readonly #search: Array<{ statusId: string; body: string }> = [];

  constructor(ctx: CoreContext, accountId: string) {
    this.#ctx = ctx;
    this.#accountId = accountId;
    this.#now = ctx.clock.now().toISOString();
  }

  /** A post and what hangs off it; `mentioned` are the accounts stored here that it names. Returns the row as a later post may point to it. */
  addStatus(entry: ArchivedStatus, parent: KnownStatus | undefined, mentioned: readonly string[]): KnownStatus {
    let conversationId = parent?.conversationId ?? null;
    if (!conversationId) {
      // As insertStatus takes them: the new conversation's id, then the status's.
      conversationId = this.#ctx.ids.next();
      this.#conversations.push({ id: conversationId, uri: null, created_at: this.#now });
    }
    const id = this.#ctx.ids.next(new Date(entry.createdAt));
    this.#statuses.push(
      newStatusRow(
        {
          accountId: this.#accountId,
          local: true,
          visibility: entry.visibility,
          content: entry.content,
          spoilerText: entry.spoilerText,
          sensitive: entry.sensitive,
          language: entry.language,
          createdAt: entry.createdAt,
          editedAt: entry.editedAt,
          inReplyToUri: entry.inReplyToUri,
          importUri: entry.importUri,
        },
        { id, parent: parent && { id: parent.id, account_id: parent.accountId }, conversationId, now: this.#now },
      ),
    );
    entry.media.forEach((item, position) => {
      this.#media.push({
        id: item.id,
        account_id: this.#accountId,
        status_id: id,
        position,
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
        created_at: entry.createdAt,
        updated_at: this.#now,
      });
    });
    // Nobody is told: these mentions were made, and heard, on the old server years ago.
    for (const accountId of new Set(mentioned)) this.#mentions.push({ status_id: id, account_id: accountId, silent: 1 });
    if (entry.tagNames.length > 0) this.#tags.push({ statusId: id, names: entry.tagNames });
    const body = searchBody({ spoiler_text: entry.spoilerText, content: entry.content }, entry.media.map((item) => item.description), []);
    this.#search.push({ statusId: id, body });
    return { id, accountId: this.#accountId, conversationId };
  }

  /** A boost of a stored post; boosts have no conversation and no search row, as insertStatus stores them. */
  addBoost(entry: ArchivedBoost, originalId: string): KnownStatus {
    const id = this.#ctx.ids.next(new Date(entry.createdAt));
    const boost = { accountId: this.#accountId, local: true, visibility: entry.visibility, createdAt: entry.createdAt, reblogOfId: originalId, importUri: entry.importUri };
    this.#statuses.push(newStatusRow(boost, { id, parent: undefined, conversationId: null, now: this.#now }));
    return { id, accountId: this.#accountId, conversationId: null };
  }

  async insert(trx: WriteTransaction): Promise<void> {
    for (const chunk of inChunks(this.#conversations)) await trx.insertInto("conversations").values(chunk).execute();
    for (const chunk of inChunks(this.#statuses)) await trx.insertInto("statuses").values(chunk).execute();
    for (const chunk of inChunks(this.#media)) await trx.insertInto("media_attachments").values(chunk).execute();
    for (const chunk of inChunks(this.#mentions)) await trx.insertInto("mentions").values(chunk).execute();
    for (const { statusId, names } of this.#tags) await writeTags(this.#ctx, trx, statusId, names);
    await insertStatusSearchRows(trx, this.#search);
  }
}
