import { sql, type Insertable, type Kysely } from "kysely";
import type { DatabaseSchema, MediaType, Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { htmlToPlainText } from "./plain-text.ts";
import type { StatusRow } from "../rows.ts";
import { deferredRowsOf, type DeferredRowKind } from "../write.ts";
import { compiledQuery, type QueryArguments } from "../../db/compiled-queries.ts";

/**
 * Where statuses are written, local and remote alike: statuses.ts stores what our users post, remote-statuses.ts
 * what arrives from peers. Each writer runs inside the caller's write (core/write.ts); edits are stored by
 * status-edit-store.ts, removals by status-removal.ts, and what follows a stored status (home feeds,
 * notifications, and the events told after the commit) by fan-out.ts.
 */

type Db = Kysely<DatabaseSchema>;

/** A mentioned account; silent mentions address (a reply's inherited ones) without notifying. */
export interface MentionRecord {
  accountId: string;
  silent?: boolean;
}

/** A poll stored with its status: a local one as composed, a remote one with the tallies its server sent. */
export interface NewPollRecord {
  /** Option titles, in order. */
  options: readonly string[];
  multiple: boolean;
  hideTotals: boolean;
  expiresAt: string | null;
  /** Remote polls: the counts their server reported, one per option. Null (or absent) for local polls. */
  tallies?: readonly number[] | null;
  votersCount?: number | null;
  closedAt?: string | null;
}

/** A remote attachment: a media_attachments row is made for it, linked where it lives. */
export interface RemoteMediaRecord {
  remoteUrl: string;
  type: MediaType;
  contentType?: string | null;
  /** Alt text (the attachment's `name`). */
  description?: string | null;
  blurhash?: string | null;
  focusX?: number | null;
  focusY?: number | null;
  /** Mastodon's meta (original/small sizes, duration), as JSON-able data. */
  meta?: Record<string, unknown> | null;
}

/** Everything insertStatus writes: the status row and what hangs off it. */
export interface NewStatusRecord {
  /** Defaults to a fresh id at createdAt, so imported and remote statuses sort by when they were written. */
  id?: string;
  accountId: string;
  local: boolean;
  /** The ActivityPub id of a remote status; null for local ones. */
  uri?: string | null;
  url?: string | null;
  inReplyToId?: string | null;
  inReplyToUri?: string | null;
  /** Filled from the parent when inReplyToId is given and this is not. */
  inReplyToAccountId?: string | null;
  /** A boost: the boosted status. */
  reblogOfId?: string | null;
  quoteOfId?: string | null;
  quoteUri?: string | null;
  /** An existing conversation. Otherwise the parent's, else the one with conversationUri, else a new one. */
  conversationId?: string | null;
  /** A remote status's `context` (or Misskey/Pleroma `conversation`). */
  conversationUri?: string | null;
  visibility: Visibility;
  /** Sanitised HTML. */
  content?: string;
  /** What a local author typed. */
  text?: string | null;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  applicationId?: string | null;
  createdAt: string;
  editedAt?: string | null;
  /** When a remote status was fetched or received. */
  fetchedAt?: string | null;
  mentions?: readonly MentionRecord[];
  /** Hashtag names as written (with or without '#'); tags are created as needed. */
  tags?: readonly string[];
  /** Existing uploads (local media) to attach, in order. Their order comes before remoteMedia's. */
  mediaIds?: readonly string[];
  remoteMedia?: readonly RemoteMediaRecord[];
  poll?: NewPollRecord | null;
  /** A post brought in from an archive: its id on the old server (core/archive/archived-statuses.ts). */
  importUri?: string | null;
}

/** The lookup form of a hashtag: without '#', NFKC-normalised, lower-cased, as Mastodon compares them. */
export function normaliseTagName(name: string): string {
  return name.replace(/^#/, "").normalize("NFKC").toLowerCase();
}

export function flag(value: boolean | undefined): number {
  return value ? 1 : 0;
}

// The queries every stored status runs, compiled once (db/compiled-queries.ts): kysely's building of them cost
// more than SQLite's work at every status arriving (issue #19).
const conversationByUri = compiledQuery((db, { uri }: { uri: string }) => db.selectFrom("conversations").select("id").where("uri", "=", uri));
const insertConversation = compiledQuery((db, row: { id: string; uri: string | null; created_at: string }) => db.insertInto("conversations").values(row));
const insertStatusRow = compiledQuery((db, row: QueryArguments) =>
  db
    .insertInto("statuses")
    .values(row as Insertable<DatabaseSchema["statuses"]>)
    .returningAll(),
);
const threadRepliesUnder = compiledQuery((db, { id, accountId, uri }: { id: string; accountId: string; uri: string }) =>
  db
    .updateTable("statuses")
    .set({ in_reply_to_id: id, in_reply_to_account_id: accountId })
    .where("in_reply_to_uri", "=", uri)
    .where("in_reply_to_id", "is", null)
    // A status that names itself as its parent (or quote) is no one's reply: never its own ancestor.
    .where("id", "!=", id),
);
const linkQuotesOf = compiledQuery((db, { id, uri }: { id: string; uri: string }) =>
  db.updateTable("statuses").set({ quote_of_id: id }).where("quote_uri", "=", uri).where("quote_of_id", "is", null).where("id", "!=", id),
);

async function findOrCreateConversation(ctx: CoreContext, trx: Db, input: NewStatusRecord, parent: StatusRow | undefined): Promise<string> {
  if (input.conversationId) return input.conversationId;
  if (parent?.conversation_id) return parent.conversation_id;
  if (input.conversationUri) {
    const [existing] = await conversationByUri(trx, { uri: input.conversationUri });
    if (existing) return existing.id;
  }
  const id = ctx.ids.next();
  await insertConversation(trx, { id, uri: input.conversationUri ?? null, created_at: ctx.clock.now().toISOString() });
  return id;
}

/** Tags by name, created where missing; returns their ids in the order given, without duplicates. */
export async function upsertTags(ctx: CoreContext, trx: Db, names: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  const byName = new Map<string, string>();
  for (const written of names) {
    const display = written.replace(/^#/, "");
    const name = normaliseTagName(display);
    if (name !== "" && !byName.has(name)) byName.set(name, display);
  }
  if (byName.size === 0) return [];
  const now = ctx.clock.now().toISOString();
  await trx
    .insertInto("tags")
    .values([...byName].map(([name, display]) => ({ id: ctx.ids.next(), name, display_name: display, created_at: now })))
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const rows = await trx.selectFrom("tags").select(["id", "name"]).where("name", "in", [...byName.keys()]).execute();
  const ids = new Map(rows.map((row) => [row.name, row.id]));
  return [...byName.keys()].map((name) => ({ id: ids.get(name) ?? "", name })).filter((tag) => tag.id !== "");
}

export async function writeMentions(trx: Db, statusId: string, mentions: readonly MentionRecord[]): Promise<void> {
  const unique = new Map<string, boolean>();
  // A mention that is loud once is loud.
  for (const mention of mentions) unique.set(mention.accountId, (unique.get(mention.accountId) ?? true) && (mention.silent ?? false));
  if (unique.size === 0) return;
  await trx
    .insertInto("mentions")
    .values([...unique].map(([accountId, silent]) => ({ status_id: statusId, account_id: accountId, silent: flag(silent) })))
    .execute();
}

export async function writeTags(ctx: CoreContext, trx: Db, statusId: string, names: readonly string[]): Promise<void> {
  const tags = await upsertTags(ctx, trx, names);
  if (tags.length === 0) return;
  await trx.insertInto("status_tags").values(tags.map((tag) => ({ status_id: statusId, tag_id: tag.id }))).execute();
}

export async function writeMedia(
  ctx: CoreContext,
  trx: Db,
  status: { id: string; account_id: string },
  mediaIds: readonly string[],
  remoteMedia: readonly RemoteMediaRecord[],
): Promise<void> {
  let position = 0;
  for (const mediaId of mediaIds) {
    await trx
      .updateTable("media_attachments")
      .set({ status_id: status.id, position: position++, scheduled_status_id: null })
      .where("id", "=", mediaId)
      .where("account_id", "=", status.account_id)
      .execute();
  }
  const now = ctx.clock.now().toISOString();
  for (const media of remoteMedia) {
    await trx
      .insertInto("media_attachments")
      .values({
        id: ctx.ids.next(),
        account_id: status.account_id,
        status_id: status.id,
        position: position++,
        type: media.type,
        content_type: media.contentType ?? null,
        remote_url: media.remoteUrl,
        description: media.description ?? null,
        blurhash: media.blurhash ?? null,
        focus_x: media.focusX ?? null,
        focus_y: media.focusY ?? null,
        meta_json: JSON.stringify(media.meta ?? {}),
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

/** A poll's columns as stored, on insert and on an edit alike. */
export function pollColumns(poll: NewPollRecord) {
  return {
    options_json: JSON.stringify(poll.options),
    cached_tallies_json: poll.tallies ? JSON.stringify(poll.tallies) : null,
    voters_count: poll.votersCount ?? null,
    multiple: flag(poll.multiple),
    hide_totals: flag(poll.hideTotals),
    expires_at: poll.expiresAt,
    closed_at: poll.closedAt ?? null,
  };
}

export async function writePoll(ctx: CoreContext, trx: Db, statusId: string, poll: NewPollRecord): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await trx
    .insertInto("polls")
    .values({
      id: ctx.ids.next(),
      status_id: statusId,
      ...pollColumns(poll),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

// FTS5 is beyond kysely. The search rows' rowid is the status id as a number (18 digits fit in 64 bits), so
// one status's row is found by key rather than by scanning the UNINDEXED status_id column. Both indexes
// (words in status_search, trigrams in status_search_trigram) hold the same text and change together.

/** What a status's search rows hold: spoiler, content as plain text, media descriptions, poll options. */
export function searchBody(status: Pick<StatusRow, "spoiler_text" | "content">, mediaDescriptions: ReadonlyArray<string | null>, pollOptions: readonly string[]): string {
  const parts = [status.spoiler_text, htmlToPlainText(status.content), ...mediaDescriptions.map((description) => description ?? ""), ...pollOptions];
  return parts.filter((part) => part.trim() !== "").join("\n");
}

/** In a shared write, a status's search rows are inserted with its group's, after every savepoint (core/write.ts). */
const searchRowsAtGroupEnd: DeferredRowKind<string> = {
  insert: (trx, rows) => insertStatusSearchRows(trx, Array.from(rows, ([statusId, body]) => ({ statusId, body }))),
};

async function insertStatusSearchRow(trx: Db, statusId: string, body: string): Promise<void> {
  const deferred = deferredRowsOf(trx, searchRowsAtGroupEnd);
  if (deferred) return deferred.set(statusId, body);
  await sql`INSERT INTO status_search (rowid, status_id, body) VALUES (${BigInt(statusId)}, ${statusId}, ${body})`.execute(trx);
  await sql`INSERT INTO status_search_trigram (rowid, body) VALUES (${BigInt(statusId)}, ${body})`.execute(trx);
}

// Each row binds three values to the word index and two to the trigram one: far below SQLite's 32,766.
const SEARCH_ROWS_A_STATEMENT = 200;

/**
 * The search rows of many new statuses, a few statements for all (an archive's import stores a batch at a
 * time; one statement a row cost more in kysely and SQLite's per-statement work than FTS5's own; issue #17).
 */
export async function insertStatusSearchRows(trx: Db, rows: ReadonlyArray<{ statusId: string; body: string }>): Promise<void> {
  for (let start = 0; start < rows.length; start += SEARCH_ROWS_A_STATEMENT) {
    const chunk = rows.slice(start, start + SEARCH_ROWS_A_STATEMENT);
    const words = sql.join(chunk.map((row) => sql`(${BigInt(row.statusId)}, ${row.statusId}, ${row.body})`));
    await sql`INSERT INTO status_search (rowid, status_id, body) VALUES ${words}`.execute(trx);
    const trigrams = sql.join(chunk.map((row) => sql`(${BigInt(row.statusId)}, ${row.body})`));
    await sql`INSERT INTO status_search_trigram (rowid, body) VALUES ${trigrams}`.execute(trx);
  }
}

async function mediaDescriptionsOf(trx: Db, statusId: string): Promise<Array<string | null>> {
  const media = await trx.selectFrom("media_attachments").select("description").where("status_id", "=", statusId).orderBy("position").execute();
  return media.map((row) => row.description);
}

/** Replaces a status's full-text rows: spoiler, content as plain text, and its media descriptions. */
export async function writeStatusSearchRow(trx: Db, statusId: string): Promise<void> {
  const status = await trx.selectFrom("statuses").select(["spoiler_text", "content", "reblog_of_id"]).where("id", "=", statusId).executeTakeFirst();
  await deleteStatusSearchRow(trx, statusId);
  if (!status || status.reblog_of_id !== null) return;
  const poll = await trx.selectFrom("polls").select("options_json").where("status_id", "=", statusId).executeTakeFirst();
  const body = searchBody(status, await mediaDescriptionsOf(trx, statusId), poll ? (JSON.parse(poll.options_json) as string[]) : []);
  await insertStatusSearchRow(trx, statusId, body);
}

/**
 * The search rows of a status just inserted: it has none to replace, and its row and poll are in hand, so
 * only its media are read back (an archive's import stores thousands a batch; issue #17).
 */
async function writeNewStatusSearchRow(trx: Db, status: StatusRow, input: NewStatusRecord): Promise<void> {
  if (status.reblog_of_id !== null) return;
  const hasMedia = (input.mediaIds?.length ?? 0) + (input.remoteMedia?.length ?? 0) > 0;
  const body = searchBody(status, hasMedia ? await mediaDescriptionsOf(trx, status.id) : [], input.poll?.options ?? []);
  await insertStatusSearchRow(trx, status.id, body);
}

export async function deleteStatusSearchRow(trx: Db, statusId: string): Promise<void> {
  deferredRowsOf(trx, searchRowsAtGroupEnd)?.remove(statusId);
  await sql`DELETE FROM status_search WHERE rowid = ${BigInt(statusId)}`.execute(trx);
  await sql`DELETE FROM status_search_trigram WHERE rowid = ${BigInt(statusId)}`.execute(trx);
}

/** Where a new status's row stands: its id, its parent (already looked up), its conversation, and the time it is stored. */
export interface NewStatusPlace {
  id: string;
  parent: Pick<StatusRow, "id" | "account_id"> | undefined;
  conversationId: string | null;
  now: string;
}

/**
 * The statuses row of a new status: what insertStatus inserts, and what an archive's batch inserts many at a
 * time (core/archive/archived-status-rows.ts).
 */
export function newStatusRow(input: NewStatusRecord, place: NewStatusPlace): Insertable<DatabaseSchema["statuses"]> {
  return {
    id: place.id,
    account_id: input.accountId,
    uri: input.uri ?? null,
    url: input.url ?? null,
    local: flag(input.local),
    in_reply_to_id: place.parent?.id ?? null,
    in_reply_to_uri: input.inReplyToUri ?? null,
    in_reply_to_account_id: input.inReplyToAccountId ?? place.parent?.account_id ?? null,
    reblog_of_id: input.reblogOfId ?? null,
    quote_of_id: input.quoteOfId ?? null,
    quote_uri: input.quoteUri ?? null,
    conversation_id: place.conversationId,
    visibility: input.visibility,
    content: input.content ?? "",
    text: input.text ?? null,
    spoiler_text: input.spoilerText ?? "",
    sensitive: flag(input.sensitive),
    language: input.language ?? null,
    application_id: input.applicationId ?? null,
    created_at: input.createdAt,
    edited_at: input.editedAt ?? null,
    updated_at: place.now,
    fetched_at: input.fetchedAt ?? null,
    import_uri: input.importUri ?? null,
  };
}

/**
 * Stores a status with its mentions, tags, media links, poll, conversation and search row, inside the
 * caller's transaction; fanOutStatus follows in the same transaction, announceStatus after the commit
 * (core/statuses/status-fan-out.ts). Replies that arrived before their parent (in_reply_to_uri only) are threaded
 * under a remote status as it is stored.
 */
export async function insertStatus(ctx: CoreContext, trx: Db, input: NewStatusRecord): Promise<StatusRow> {
  const parent = input.inReplyToId ? await statusRowById(trx, input.inReplyToId) : undefined;
  const conversationId = input.reblogOfId ? null : await findOrCreateConversation(ctx, trx, input, parent);
  const row = newStatusRow(input, { id: input.id ?? ctx.ids.next(new Date(input.createdAt)), parent, conversationId, now: ctx.clock.now().toISOString() });
  // newStatusRow names every column, in one order, with a string, a number or null: the compiled query's shape.
  const [status] = await insertStatusRow(trx, row as QueryArguments);
  if (!status) throw new Error("The status was not inserted.");
  await writeMentions(trx, status.id, input.mentions ?? []);
  await writeTags(ctx, trx, status.id, input.tags ?? []);
  await writeMedia(ctx, trx, status, input.mediaIds ?? [], input.remoteMedia ?? []);
  if (input.poll) await writePoll(ctx, trx, status.id, input.poll);
  if (status.uri !== null) {
    await threadRepliesUnder(trx, { id: status.id, accountId: status.account_id, uri: status.uri });
    await linkQuotesOf(trx, { id: status.id, uri: status.uri });
  }
  await writeNewStatusSearchRow(trx, status, input);
  return status;
}

/** What an edit changes. Absent fields stay as they were; mentions, tags and media are replaced when given. */

// Compiled once: asked of every status arriving (issue #19).
const statusOfUri = compiledQuery((db, { uri }: { uri: string }) => db.selectFrom("statuses").selectAll().where("uri", "=", uri));

export async function findStatusByUri(ctx: CoreContext, uri: string): Promise<StatusRow | undefined> {
  return (await statusOfUri(ctx.db, { uri }))[0];
}

// Compiled once: read for every status stored, local or arrived, by its fan-out (issue #19).
const statusById = compiledQuery((db, { id }: { id: string }) => db.selectFrom("statuses").selectAll().where("id", "=", id));

/** A status by id, read through `db`: the database or a write's transaction. */
export async function statusRowById(db: Db, id: string): Promise<StatusRow | undefined> {
  return (await statusById(db, { id }))[0];
}

/** A status by id, whoever may see it (callers check visibility: status-visibility.ts). */
export async function getStatusRow(ctx: CoreContext, id: string): Promise<StatusRow | undefined> {
  return statusRowById(ctx.db, id);
}

// What follows the store lives in status-fan-out.ts; re-exported so a writer needs one import.
