import type { Kysely } from "kysely";
import type { DatabaseSchema, Visibility } from "../../db/schema.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import { getLocalUser } from "../accounts/accounts.ts";
import type { CoreContext } from "../context.ts";
import { canViewStatus, filterVisibleStatuses } from "../visibility/status-visibility.ts";
import { formatStatusText } from "./status-text.ts";
import { insertStatus, statusRowById, type MentionRecord, type NewPollRecord } from "./status-store.ts";
import { validateDescription } from "../media/media.ts";
import { loadAttachableMedia, validateContent, type PollInput } from "./status-validation.ts";
import type { StatusRow } from "../rows.ts";
import { emitStatusRemoved, fanOutStatus, fanOutStatusUpdate } from "./fan-out.ts";
import { write } from "../write.ts";
import { removeStatus, type RemovedStatus } from "./status-removal.ts";
import { updateStoredStatus, type MediaAttributeChange } from "./status-edit-store.ts";
import { requireNotMoved } from "../accounts/moves.ts";

/**
 * What a local account does with its own statuses: post (now, or later through scheduled-statuses.ts),
 * edit and delete. Each act is one write (core/write.ts): the rows, their fan-out (fan-out.ts) and the
 * activity for the peers commit together; the streams hear of it after the commit.
 */

type Db = Kysely<DatabaseSchema>;

export interface StatusOptions {
  /** The instance's canonical origin: tag links and mention links are made under it. */
  origin: string;
}

/** A status as its local author composes it. */
export interface StatusDraft {
  text?: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  mediaIds?: readonly string[];
  poll?: PollInput | null;
}

export interface NewStatusInput extends StatusDraft {
  accountId: string;
  /** Defaults to the account's preference (public unless set). */
  visibility?: Visibility;
  inReplyToId?: string | null;
  quoteId?: string | null;
  applicationId?: string | null;
  /** A retried request with the same key answers the status the first one made (Mastodon keeps keys an hour). */
  idempotencyKey?: string | null;
}

const IDEMPOTENCY_WINDOW_MS = 60 * 60 * 1000;

function pollRecord(poll: PollInput, now: Date): NewPollRecord {
  return {
    options: poll.options.map((option) => option.trim()),
    multiple: poll.multiple ?? false,
    hideTotals: poll.hideTotals ?? false,
    expiresAt: new Date(now.getTime() + poll.expiresIn * 1000).toISOString(),
  };
}

async function findIdempotent(ctx: CoreContext, db: Db, accountId: string, key: string): Promise<StatusRow | undefined> {
  const since = new Date(ctx.clock.now().getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  return db
    .selectFrom("idempotency_keys")
    .innerJoin("statuses", "statuses.id", "idempotency_keys.status_id")
    .selectAll("statuses")
    .where("idempotency_keys.account_id", "=", accountId)
    .where("idempotency_keys.key", "=", key)
    .where("idempotency_keys.created_at", ">", since)
    .executeTakeFirst();
}

/** The status a reply answers (a boost stands for what it boosts), which its author must be able to see. */
async function loadParent(db: Db, accountId: string, inReplyToId: string): Promise<StatusRow> {
  let parent = await statusRowById(db, inReplyToId);
  if (parent?.reblog_of_id) parent = await statusRowById(db, parent.reblog_of_id);
  if (!parent || !(await canViewStatus(db, parent, accountId))) throw new NotFound(`There is no status ${inReplyToId} to reply to.`);
  return parent;
}

async function loadQuoted(db: Db, accountId: string, quoteId: string): Promise<StatusRow> {
  const quoted = await statusRowById(db, quoteId);
  if (!quoted || quoted.reblog_of_id !== null || !(await canViewStatus(db, quoted, accountId))) throw new Invalid(`There is no status ${quoteId} to quote.`);
  if (quoted.account_id !== accountId && (quoted.visibility === "private" || quoted.visibility === "direct")) {
    throw new Invalid("Only public and unlisted statuses can be quoted.");
  }
  return quoted;
}

/** Posts a status now. Throws Invalid for anything the author must change. */
export async function postStatus(ctx: CoreContext, input: NewStatusInput, options: StatusOptions): Promise<StatusRow> {
  const user = await getLocalUser(ctx, input.accountId);
  if (!user) throw new Forbidden("Only accounts of this instance can post here.");
  await requireNotMoved(ctx.db, input.accountId);
  if (input.idempotencyKey) {
    const earlier = await findIdempotent(ctx, ctx.db, input.accountId, input.idempotencyKey);
    if (earlier) return earlier;
  }
  const text = input.text ?? "";
  const spoilerText = (input.spoilerText ?? "").trim();
  const mediaIds = input.mediaIds ?? [];
  const language = input.language ?? user.default_language;
  validateContent({ text, spoilerText, mediaIds, poll: input.poll ?? null, language });
  const visibility = input.visibility ?? (user.default_visibility as Visibility);
  // Resolving remote mentions may take a WebFinger round trip: done before the transaction, not inside it.
  const formatted = await formatStatusText(ctx, text, options);

  return write(ctx, async (trx, after) => {
    if (input.idempotencyKey) {
      // A retry of a post that was saved: its activity was recorded with it, so nothing is sent twice or lost.
      const earlier = await findIdempotent(ctx, trx, input.accountId, input.idempotencyKey);
      if (earlier) return earlier;
    }
    const parent = input.inReplyToId ? await loadParent(trx, input.accountId, input.inReplyToId) : undefined;
    const quoted = input.quoteId ? await loadQuoted(trx, input.accountId, input.quoteId) : undefined;
    await loadAttachableMedia(trx, input.accountId, mediaIds, null);
    const mentions: MentionRecord[] = formatted.mentions.filter((account) => account.id !== input.accountId).map((account) => ({ accountId: account.id }));
    // A private or direct reply reaches the author it answers even when the text no longer names them.
    if (parent && parent.account_id !== input.accountId && (visibility === "private" || visibility === "direct")) {
      mentions.push({ accountId: parent.account_id, silent: true });
    }
    const now = ctx.clock.now();
    const created = await insertStatus(ctx, trx, {
      id: ctx.ids.next(now),
      accountId: input.accountId,
      local: true,
      inReplyToId: parent?.id ?? null,
      inReplyToUri: parent?.uri ?? null,
      quoteOfId: quoted?.id ?? null,
      quoteUri: quoted?.uri ?? null,
      visibility,
      content: formatted.html,
      text,
      spoilerText,
      sensitive: (input.sensitive ?? user.default_sensitive === 1) || (spoilerText !== "" && mediaIds.length > 0),
      language,
      applicationId: input.applicationId ?? null,
      createdAt: now.toISOString(),
      mentions,
      tags: formatted.tags,
      mediaIds,
      poll: input.poll ? pollRecord(input.poll, now) : null,
    });
    if (input.idempotencyKey) {
      await trx
        .insertInto("idempotency_keys")
        .values({ account_id: input.accountId, key: input.idempotencyKey, status_id: created.id, created_at: now.toISOString() })
        .onConflict((oc) => oc.columns(["account_id", "key"]).doUpdateSet({ status_id: created.id, created_at: now.toISOString() }))
        .execute();
    }
    await fanOutStatus(ctx, trx, after, created.id);
    after.publish({ type: "status.created", statusId: created.id });
    return created;
  });
}

/** The author's own status (not a boost); another's is as absent as one that never was, as on Mastodon. */
async function loadOwnStatus(db: Db, accountId: string, statusId: string, act: string): Promise<StatusRow> {
  const status = await statusRowById(db, statusId);
  if (!status || (status.account_id !== accountId && !(await canViewStatus(db, status, accountId)))) throw new NotFound(`There is no status ${statusId}.`);
  if (status.account_id !== accountId) throw new NotFound(`Only its author can ${act} a status.`);
  if (status.reblog_of_id !== null) throw new Invalid(`A boost cannot be ${act === "edit" ? "edited" : "changed"}; unboost it instead.`);
  return status;
}

/** An edit. Absent fields stay as they are; `poll: null` removes the poll (the API passes what Mastodon's full replacement means). */
export interface EditStatusInput extends StatusDraft {
  accountId: string;
  statusId: string;
  /** Alt text and focal points for media the status has after the edit (Mastodon's media_attributes[]). */
  mediaAttributes?: readonly MediaAttributeChange[];
}

/** The media_attributes of an edit, checked: each names media the edited status will have, once. */
function checkMediaAttributes(changes: readonly MediaAttributeChange[], mediaIds: readonly string[]): MediaAttributeChange[] {
  const seen = new Set<string>();
  return changes.map((change) => {
    if (!mediaIds.includes(change.id)) throw new Invalid(`Media attachment ${change.id} is not one of this status's media; only those can be changed in an edit.`);
    if (seen.has(change.id)) throw new Invalid(`Media attachment ${change.id} is given twice in media_attributes.`);
    seen.add(change.id);
    return typeof change.description === "string" ? { ...change, description: validateDescription(change.description) } : change;
  });
}

/**
 * Edits a status: a new text, content warning, sensitivity, language, media (added, removed, reordered, their
 * alt text and focus changed) and poll. The version before
 * is kept for the history; accounts that boosted it are told; peers get an Update.
 */
export async function editStatus(ctx: CoreContext, input: EditStatusInput, options: StatusOptions): Promise<StatusRow> {
  const current = await loadOwnStatus(ctx.db, input.accountId, input.statusId, "edit");
  const text = input.text ?? current.text ?? "";
  const spoilerText = (input.spoilerText ?? current.spoiler_text).trim();
  const currentMedia = await ctx.db.selectFrom("media_attachments").select("id").where("status_id", "=", current.id).orderBy("position").execute();
  const mediaIds = input.mediaIds ?? currentMedia.map((row) => row.id);
  const language = input.language === undefined ? current.language : input.language;
  const existingPoll = await ctx.db.selectFrom("polls").selectAll().where("status_id", "=", current.id).executeTakeFirst();
  validateContent({ text, spoilerText, mediaIds, poll: input.poll ?? null, language });
  if (input.poll === undefined && existingPoll && mediaIds.length > 0) throw new Invalid("A status cannot have both media attachments and a poll.");
  const mediaAttributes = checkMediaAttributes(input.mediaAttributes ?? [], mediaIds);
  const formatted = await formatStatusText(ctx, text, options);

  return write(ctx, async (trx, after) => {
    await loadAttachableMedia(trx, input.accountId, mediaIds, current.id);
    const previousMentions = await trx.selectFrom("mentions").select(["account_id", "silent"]).where("status_id", "=", current.id).execute();
    const mentions: MentionRecord[] = formatted.mentions.filter((account) => account.id !== input.accountId).map((account) => ({ accountId: account.id }));
    // Those already addressed keep receiving the thread (silently), as Mastodon keeps removed mentions.
    for (const previous of previousMentions) {
      if (!mentions.some((mention) => mention.accountId === previous.account_id)) mentions.push({ accountId: previous.account_id, silent: true });
    }
    const now = ctx.clock.now();
    let poll: NewPollRecord | null | undefined;
    if (input.poll) {
      const next = pollRecord(input.poll, now);
      // The same poll keeps running as it was; Mastodon starts a poll over only when its options or its
      // one-or-several rule change (status-store.ts drops the votes then).
      const isSamePoll = existingPoll && existingPoll.options_json === JSON.stringify(next.options) && existingPoll.multiple === (next.multiple ? 1 : 0);
      poll = isSamePoll ? { ...next, expiresAt: existingPoll.expires_at, closedAt: existingPoll.closed_at } : next;
    } else {
      poll = input.poll;
    }
    const updated = await updateStoredStatus(ctx, trx, {
      statusId: current.id,
      content: formatted.html,
      text,
      spoilerText,
      sensitive: input.sensitive ?? current.sensitive === 1,
      language,
      editedAt: now.toISOString(),
      mentions,
      tags: formatted.tags,
      mediaIds,
      mediaAttributes,
      poll,
    });
    await fanOutStatusUpdate(ctx, trx, after, updated.status.id);
    after.publish({ type: "status.updated", statusId: updated.status.id });
    return updated.status;
  });
}

/**
 * Deletes a status of the account's (or one of its boosts) with the boosts of it. Local uploads are let go
 * rather than deleted, so a redraft can attach them again.
 */
export async function deleteStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<RemovedStatus> {
  return write(ctx, async (trx, after) => {
    const status = await statusRowById(trx, statusId);
    if (!status || (status.account_id !== accountId && !(await canViewStatus(trx, status, accountId)))) throw new NotFound(`There is no status ${statusId}.`);
    if (status.account_id !== accountId) throw new NotFound("Only its author can delete a status.");
    const result = await removeStatus(trx, status.id);
    if (!result) throw new NotFound(`There is no status ${statusId}.`);
    emitStatusRemoved(after, result);
    after.publish({ type: "status.deleted", snapshot: result.snapshot });
    return result;
  });
}

/** A status if `viewerId` (null: anonymous) may see it. */
export async function findVisibleStatus(ctx: CoreContext, statusId: string, viewerId: string | null): Promise<StatusRow | undefined> {
  const status = await statusRowById(ctx.db, statusId);
  if (!status || !(await canViewStatus(ctx.db, status, viewerId))) return undefined;
  return status;
}

/** Statuses by id that the viewer may see, in the order asked; unknown and hidden ones are left out. */
export async function findStatusesByIds(ctx: CoreContext, ids: readonly string[], viewerId: string | null): Promise<StatusRow[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.selectFrom("statuses").selectAll().where("id", "in", ids).execute();
  const visible = await filterVisibleStatuses(ctx.db, rows, viewerId);
  return visible.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}
