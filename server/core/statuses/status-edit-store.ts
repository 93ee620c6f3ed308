import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { StatusEditRow, StatusRow } from "../rows.ts";
import { flag, pollColumns, writeMedia, writeMentions, writePoll, writeStatusSearchRow, writeTags, type MentionRecord, type NewPollRecord, type RemoteMediaRecord } from "./status-store.ts";

/** Edits of stored statuses, local and remote: the new text, mentions, tags, media and poll, with the version it replaced kept. */

type Db = Kysely<DatabaseSchema>;

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
    .set({ ...pollColumns(poll), updated_at: ctx.clock.now().toISOString() })
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
