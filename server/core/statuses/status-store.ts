import { sql, type Kysely } from "kysely";
import type { DatabaseSchema, MediaType, Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { htmlToPlainText } from "./plain-text.ts";
import type { DeletedStatusSnapshot } from "../ports.ts";
import type { StatusEditRow, StatusRow } from "../rows.ts";

/**
 * Where statuses are written, local and remote alike: core/statuses/statuses.ts stores what our users post,
 * federation's core/statuses/remote-statuses.ts what arrives from peers. Each writer runs inside the caller's
 * transaction; what follows (home feeds and notifications in the same transaction, events after the
 * commit) is in core/statuses/status-fan-out.ts (fanOutStatus, announceStatus, deliverStatusUpdate, announceRemovedStatus).
 */

/** A statuses row (a boost is one whose reblog_of_id is set). */
/** A polls row; its options and tallies are JSON. */
/** An earlier version of an edited status. */
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
}

/** The lookup form of a hashtag: without '#', NFKC-normalised, lower-cased, as Mastodon compares them. */
export function normaliseTagName(name: string): string {
  return name.replace(/^#/, "").normalize("NFKC").toLowerCase();
}

function flag(value: boolean | undefined): number {
  return value ? 1 : 0;
}

async function findOrCreateConversation(ctx: CoreContext, trx: Db, input: NewStatusRecord, parent: StatusRow | undefined): Promise<string> {
  if (input.conversationId) return input.conversationId;
  if (parent?.conversation_id) return parent.conversation_id;
  if (input.conversationUri) {
    const existing = await trx.selectFrom("conversations").select("id").where("uri", "=", input.conversationUri).executeTakeFirst();
    if (existing) return existing.id;
  }
  const id = ctx.ids.next();
  await trx
    .insertInto("conversations")
    .values({ id, uri: input.conversationUri ?? null, created_at: ctx.clock.now().toISOString() })
    .execute();
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

async function writeMentions(trx: Db, statusId: string, mentions: readonly MentionRecord[]): Promise<void> {
  const unique = new Map<string, boolean>();
  // A mention that is loud once is loud.
  for (const mention of mentions) unique.set(mention.accountId, (unique.get(mention.accountId) ?? true) && (mention.silent ?? false));
  if (unique.size === 0) return;
  await trx
    .insertInto("mentions")
    .values([...unique].map(([accountId, silent]) => ({ status_id: statusId, account_id: accountId, silent: flag(silent) })))
    .execute();
}

async function writeTags(ctx: CoreContext, trx: Db, statusId: string, names: readonly string[]): Promise<void> {
  const tags = await upsertTags(ctx, trx, names);
  if (tags.length === 0) return;
  await trx.insertInto("status_tags").values(tags.map((tag) => ({ status_id: statusId, tag_id: tag.id }))).execute();
}

async function writeMedia(
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

async function writePoll(ctx: CoreContext, trx: Db, statusId: string, poll: NewPollRecord): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await trx
    .insertInto("polls")
    .values({
      id: ctx.ids.next(),
      status_id: statusId,
      options_json: JSON.stringify(poll.options),
      cached_tallies_json: poll.tallies ? JSON.stringify(poll.tallies) : null,
      voters_count: poll.votersCount ?? null,
      multiple: flag(poll.multiple),
      hide_totals: flag(poll.hideTotals),
      expires_at: poll.expiresAt,
      closed_at: poll.closedAt ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

// FTS5 is beyond kysely. The search row's rowid is the status id as a number (18 digits fit in 64 bits), so
// one status's row is found by key rather than by scanning the UNINDEXED status_id column.

/** Replaces a status's full-text row: spoiler, content as plain text, and its media descriptions. */
export async function writeStatusSearchRow(trx: Db, statusId: string): Promise<void> {
  const status = await trx.selectFrom("statuses").select(["spoiler_text", "content", "reblog_of_id"]).where("id", "=", statusId).executeTakeFirst();
  await sql`DELETE FROM status_search WHERE rowid = ${BigInt(statusId)}`.execute(trx);
  if (!status || status.reblog_of_id !== null) return;
  const media = await trx
    .selectFrom("media_attachments")
    .select("description")
    .where("status_id", "=", statusId)
    .orderBy("position")
    .execute();
  const poll = await trx.selectFrom("polls").select("options_json").where("status_id", "=", statusId).executeTakeFirst();
  const parts = [
    status.spoiler_text,
    htmlToPlainText(status.content),
    ...media.map((row) => row.description ?? ""),
    ...(poll ? (JSON.parse(poll.options_json) as string[]) : []),
  ].filter((part) => part.trim() !== "");
  await sql`INSERT INTO status_search (rowid, status_id, body) VALUES (${BigInt(statusId)}, ${statusId}, ${parts.join("\n")})`.execute(trx);
}

async function deleteStatusSearchRow(trx: Db, statusId: string): Promise<void> {
  await sql`DELETE FROM status_search WHERE rowid = ${BigInt(statusId)}`.execute(trx);
}

/**
 * Stores a status with its mentions, tags, media links, poll, conversation and search row, inside the
 * caller's transaction; fanOutStatus follows in the same transaction, announceStatus after the commit
 * (core/statuses/status-fan-out.ts). Replies that arrived before their parent (in_reply_to_uri only) are threaded
 * under a remote status as it is stored.
 */
export async function insertStatus(ctx: CoreContext, trx: Db, input: NewStatusRecord): Promise<StatusRow> {
  const parent = input.inReplyToId
    ? await trx.selectFrom("statuses").selectAll().where("id", "=", input.inReplyToId).executeTakeFirst()
    : undefined;
  const conversationId = input.reblogOfId ? null : await findOrCreateConversation(ctx, trx, input, parent);
  const now = ctx.clock.now().toISOString();
  const status = await trx
    .insertInto("statuses")
    .values({
      id: input.id ?? ctx.ids.next(new Date(input.createdAt)),
      account_id: input.accountId,
      uri: input.uri ?? null,
      url: input.url ?? null,
      local: flag(input.local),
      in_reply_to_id: parent?.id ?? null,
      in_reply_to_uri: input.inReplyToUri ?? null,
      in_reply_to_account_id: input.inReplyToAccountId ?? parent?.account_id ?? null,
      reblog_of_id: input.reblogOfId ?? null,
      quote_of_id: input.quoteOfId ?? null,
      quote_uri: input.quoteUri ?? null,
      conversation_id: conversationId,
      visibility: input.visibility,
      content: input.content ?? "",
      text: input.text ?? null,
      spoiler_text: input.spoilerText ?? "",
      sensitive: flag(input.sensitive),
      language: input.language ?? null,
      application_id: input.applicationId ?? null,
      created_at: input.createdAt,
      edited_at: input.editedAt ?? null,
      updated_at: now,
      fetched_at: input.fetchedAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeMentions(trx, status.id, input.mentions ?? []);
  await writeTags(ctx, trx, status.id, input.tags ?? []);
  await writeMedia(ctx, trx, status, input.mediaIds ?? [], input.remoteMedia ?? []);
  if (input.poll) await writePoll(ctx, trx, status.id, input.poll);
  if (status.uri !== null) {
    await trx
      .updateTable("statuses")
      .set({ in_reply_to_id: status.id, in_reply_to_account_id: status.account_id })
      .where("in_reply_to_uri", "=", status.uri)
      .where("in_reply_to_id", "is", null)
      // A status that names itself as its parent (or quote) is no one's reply: never its own ancestor.
      .where("id", "!=", status.id)
      .execute();
    await trx
      .updateTable("statuses")
      .set({ quote_of_id: status.id })
      .where("quote_uri", "=", status.uri)
      .where("quote_of_id", "is", null)
      .where("id", "!=", status.id)
      .execute();
  }
  await writeStatusSearchRow(trx, status.id);
  return status;
}

/** What an edit changes. Absent fields stay as they were; mentions, tags and media are replaced when given. */
export interface StatusUpdateRecord {
  statusId: string;
  content?: string;
  text?: string | null;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  /** When the edit was made (a remote Update's `updated`); defaults to now. */
  editedAt?: string;
  mentions?: readonly MentionRecord[];
  tags?: readonly string[];
  mediaIds?: readonly string[];
  /** New alt text or focal points for media the status has after the edit (Mastodon's media_attributes). */
  mediaAttributes?: readonly MediaAttributeChange[];
  /** Remote statuses: their attachments as they now are (the old remote rows are replaced). */
  remoteMedia?: readonly RemoteMediaRecord[];
  /**
   * The poll after the edit: null removes it. A poll whose options (or whether several may be chosen) changed
   * starts over (votes dropped), as Mastodon does; a remote poll with the same options only takes the new tallies.
   */
  poll?: NewPollRecord | null;
}

/** A change to one attached medium in an edit: absent fields stay, null clears. */
export interface MediaAttributeChange {
  id: string;
  description?: string | null;
  focus?: { x: number; y: number } | null;
}

/**
 * One medium of a kept version in status_edits.media_ids_json, with the alt text and focus it had then (the
 * row itself may since have changed). Versions written before this shape were plain ids: their alt text and
 * focus are absent (unknown), not null (none).
 */
export interface VersionMediaRecord {
  id: string;
  description?: string | null;
  focusX?: number | null;
  focusY?: number | null;
}

/** Reads status_edits.media_ids_json, in either shape. */
export function parseVersionMedia(json: string): VersionMediaRecord[] {
  const items = JSON.parse(json) as Array<string | VersionMediaRecord>;
  return items.map((item) => (typeof item === "string" ? { id: item } : item));
}

async function applyMediaAttributes(ctx: CoreContext, trx: Db, statusId: string, changes: readonly MediaAttributeChange[]): Promise<void> {
  for (const change of changes) {
    const set: { description?: string | null; focus_x?: number | null; focus_y?: number | null; updated_at: string } = { updated_at: ctx.clock.now().toISOString() };
    if (change.description !== undefined) set.description = change.description;
    if (change.focus !== undefined) {
      set.focus_x = change.focus?.x ?? null;
      set.focus_y = change.focus?.y ?? null;
    }
    await trx.updateTable("media_attachments").set(set).where("id", "=", change.id).where("status_id", "=", statusId).execute();
  }
}

/** What updateStoredStatus wrote: the status as it now is, and the kept version before it. */
export interface StoredStatusUpdate {
  status: StatusRow;
  /** The edit row that keeps the version before this one. */
  previous: StatusEditRow;
}

function sameOptions(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((option, index) => option === b[index]);
}

async function updatePoll(ctx: CoreContext, trx: Db, statusId: string, poll: NewPollRecord | null): Promise<void> {
  const existing = await trx.selectFrom("polls").selectAll().where("status_id", "=", statusId).executeTakeFirst();
  if (poll === null) {
    if (existing) await trx.deleteFrom("polls").where("id", "=", existing.id).execute();
    return;
  }
  if (!existing) return writePoll(ctx, trx, statusId, poll);
  // Votes cast for other choices, or under the other rule of one or several, no longer mean what they did.
  const isAnotherPoll = !sameOptions(JSON.parse(existing.options_json) as string[], poll.options) || existing.multiple !== flag(poll.multiple);
  if (isAnotherPoll) await trx.deleteFrom("poll_votes").where("poll_id", "=", existing.id).execute();
  await trx
    .updateTable("polls")
    .set({
      options_json: JSON.stringify(poll.options),
      cached_tallies_json: poll.tallies ? JSON.stringify(poll.tallies) : null,
      voters_count: poll.votersCount ?? null,
      multiple: flag(poll.multiple),
      hide_totals: flag(poll.hideTotals),
      expires_at: poll.expiresAt,
      closed_at: poll.closedAt ?? null,
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", existing.id)
    .execute();
}

/**
 * Stores an edit inside the caller's transaction: the version before it goes to status_edits (the first
 * edit also keeps the original), then the status and its mentions, tags, media, poll and search row are
 * brought up to date. Call deliverStatusUpdate (core/statuses/status-fan-out.ts) after the commit.
 */
export async function updateStoredStatus(ctx: CoreContext, trx: Db, input: StatusUpdateRecord): Promise<StoredStatusUpdate> {
  const current = await trx.selectFrom("statuses").selectAll().where("id", "=", input.statusId).executeTakeFirstOrThrow();
  const editedAt = input.editedAt ?? ctx.clock.now().toISOString();
  const previous = await recordVersion(ctx, trx, current, current.edited_at ?? current.created_at);
  if (input.mentions) {
    await trx.deleteFrom("mentions").where("status_id", "=", current.id).execute();
    await writeMentions(trx, current.id, input.mentions);
  }
  if (input.tags) {
    await trx.deleteFrom("status_tags").where("status_id", "=", current.id).execute();
    await writeTags(ctx, trx, current.id, input.tags);
  }
  if (input.mediaIds || input.remoteMedia) {
    const keep = input.mediaIds ?? [];
    // Local uploads let go of the status (they may be attached again); remote rows let go too, and the hourly
    // media cleanup removes them with their cached copies (server/media/cleanup.ts).
    await trx.updateTable("media_attachments").set({ status_id: null }).where("status_id", "=", current.id).execute();
    await writeMedia(ctx, trx, current, keep, input.remoteMedia ?? []);
  }
  // After the version before is kept, so the history shows the alt text as it was.
  if (input.mediaAttributes) await applyMediaAttributes(ctx, trx, current.id, input.mediaAttributes);
  if (input.poll !== undefined) await updatePoll(ctx, trx, current.id, input.poll);
  const status = await trx
    .updateTable("statuses")
    .set({
      content: input.content ?? current.content,
      text: input.text === undefined ? current.text : input.text,
      spoiler_text: input.spoilerText ?? current.spoiler_text,
      sensitive: input.sensitive === undefined ? current.sensitive : flag(input.sensitive),
      language: input.language === undefined ? current.language : input.language,
      edited_at: editedAt,
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeStatusSearchRow(trx, status.id);
  return { status, previous };
}

/** Keeps a status's current version as an edit row (Mastodon's status_edits), dated when it was made. */
async function recordVersion(ctx: CoreContext, trx: Db, status: StatusRow, madeAt: string): Promise<StatusEditRow> {
  const media = await trx
    .selectFrom("media_attachments")
    .select(["id", "description", "focus_x", "focus_y"])
    .where("status_id", "=", status.id)
    .orderBy("position")
    .execute();
  const versionMedia: VersionMediaRecord[] = media.map((row) => ({ id: row.id, description: row.description, focusX: row.focus_x, focusY: row.focus_y }));
  const poll = await trx.selectFrom("polls").select("options_json").where("status_id", "=", status.id).executeTakeFirst();
  return trx
    .insertInto("status_edits")
    .values({
      id: ctx.ids.next(new Date(madeAt)),
      status_id: status.id,
      content: status.content,
      spoiler_text: status.spoiler_text,
      sensitive: status.sensitive,
      media_ids_json: JSON.stringify(versionMedia),
      poll_options_json: poll?.options_json ?? null,
      created_at: madeAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A status that removeStatus took away: what federation and the streams need to tell others. */
export interface RemovedStatus {
  snapshot: DeletedStatusSnapshot;
  /** The row as it was, for delete-and-redraft. */
  status: StatusRow;
  local: boolean;
  /** Local accounts whose home feed had it (the streams remove it there). */
  homeAccountIds: string[];
  /** Boosts of it, removed with it. */
  boosts: RemovedStatus[];
}

async function removeOne(trx: Db, status: StatusRow): Promise<Omit<RemovedStatus, "boosts">> {
  const mentions = await trx.selectFrom("mentions").select("account_id").where("status_id", "=", status.id).execute();
  const home = await trx.selectFrom("home_feed").select("account_id").where("status_id", "=", status.id).execute();
  const reblogOf = status.reblog_of_id
    ? await trx.selectFrom("statuses").select("account_id").where("id", "=", status.reblog_of_id).executeTakeFirst()
    : undefined;
  // Local uploads stay (unattached) so a redraft can reuse them; remote rows are let go too, and the hourly media
  // cleanup removes them with their cached copies (server/media/cleanup.ts), which a delete here would strand.
  await trx.updateTable("media_attachments").set({ status_id: null }).where("status_id", "=", status.id).where("remote_url", "is not", null).execute();
  await deleteStatusSearchRow(trx, status.id);
  // A boost's notification names the boosted status, so it would outlive the boost otherwise.
  if (status.reblog_of_id) {
    await trx
      .deleteFrom("notifications")
      .where("type", "=", "reblog")
      .where("from_account_id", "=", status.account_id)
      .where("status_id", "=", status.reblog_of_id)
      .execute();
  }
  await trx.deleteFrom("statuses").where("id", "=", status.id).execute();
  return {
    snapshot: {
      statusId: status.id,
      accountId: status.account_id,
      visibility: status.visibility,
      mentionedAccountIds: mentions.map((row) => row.account_id),
      reblogOfId: status.reblog_of_id,
      reblogOfAccountId: reblogOf?.account_id ?? null,
    },
    status,
    local: status.local === 1,
    homeAccountIds: home.map((row) => row.account_id),
  };
}

/**
 * Deletes a status (or a boost) and its boosts inside the caller's transaction; undefined when there is no
 * such status. Call announceRemovedStatus (core/statuses/status-fan-out.ts) after the commit.
 */
export async function removeStatus(trx: Db, statusId: string): Promise<RemovedStatus | undefined> {
  const status = await trx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status) return undefined;
  const boostRows = await trx.selectFrom("statuses").selectAll().where("reblog_of_id", "=", status.id).execute();
  const boosts: RemovedStatus[] = [];
  for (const boost of boostRows) boosts.push({ ...(await removeOne(trx, boost)), boosts: [] });
  return { ...(await removeOne(trx, status)), boosts };
}

/** A status by its ActivityPub id, for federation (remote statuses only: local ones store no uri). */
export async function findStatusByUri(ctx: CoreContext, uri: string): Promise<StatusRow | undefined> {
  return ctx.db.selectFrom("statuses").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/** A status by id, whoever may see it (callers check visibility: status-visibility.ts). */
export async function getStatusRow(ctx: CoreContext, id: string): Promise<StatusRow | undefined> {
  return ctx.db.selectFrom("statuses").selectAll().where("id", "=", id).executeTakeFirst();
}

// What follows the store lives in status-fan-out.ts; re-exported so a writer needs one import.
export { announceRemovedStatus, announceStatus, deliverStatus, deliverStatusUpdate, fanOutStatus } from "./status-fan-out.ts";
