import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { CoreContext } from "../context.ts";
import { notify } from "../notifications/notifications.ts";
import { upsertRemoteEmojis } from "../emojis/remote-emojis.ts";
import type { RemoteMedia, RemotePoll, RemoteStatusRecord } from "./remote-status-record.ts";
import { findStatusByUri, insertStatus, type MentionRecord, type NewPollRecord, type RemoteMediaRecord } from "./status-store.ts";
import type { StatusRow } from "../rows.ts";
import { removeStatus } from "./status-removal.ts";
import { updateStoredStatus } from "./status-edit-store.ts";
import { emitStatusRemoved, fanOutStatus, fanOutStatusUpdate } from "./fan-out.ts";
import { accountRowById } from "../accounts/accounts.ts";
import { write, type AfterCommit } from "../write.ts";

/**
 * What peers tell us about their statuses: a new one (Create), an edit or new poll tallies (Update), and a
 * deletion (Delete). Each is idempotent: a redelivered activity stores and notifies once. Home feeds,
 * notifications and events come from the same fan-out as local posts (fan-out.ts), in the same write.
 */

type Db = Kysely<DatabaseSchema>;

export interface RemoteStatusOptions {
  /** Store without notifying anyone (Mastodon's skip_notifications): ancestors fetched for a thread, a catch-up. */
  skipNotifications?: boolean;
}

export interface RecordedRemoteStatus {
  status: StatusRow;
  /** False when the status was already stored (a redelivery): nothing was written or notified again. */
  isNew: boolean;
}

function mentionsOf(record: RemoteStatusRecord): MentionRecord[] {
  return [
    ...record.mentionedAccountIds.map((accountId) => ({ accountId })),
    ...record.silentMentionAccountIds.map((accountId) => ({ accountId, silent: true })),
  ];
}

function mediaRecords(media: readonly RemoteMedia[]): RemoteMediaRecord[] {
  return media.map((item) => ({
    remoteUrl: item.remoteUrl,
    type: item.type,
    contentType: item.contentType,
    description: item.description,
    blurhash: item.blurhash,
    focusX: item.focus?.x ?? null,
    focusY: item.focus?.y ?? null,
    // Mastodon's meta.original, as far as the peer told us.
    meta:
      item.width && item.height
        ? { original: { width: item.width, height: item.height, size: `${item.width}x${item.height}`, aspect: item.width / item.height } }
        : null,
  }));
}

function pollRecord(poll: RemotePoll): NewPollRecord {
  return {
    options: poll.options,
    multiple: poll.multiple,
    hideTotals: false,
    expiresAt: poll.expiresAt,
    tallies: poll.tallies,
    votersCount: poll.votersCount,
    closedAt: poll.closedAt,
  };
}

const statusIdOfUri = compiledQuery((db, { uri }: { uri: string }) => db.selectFrom("statuses").select("id").where("uri", "=", uri));

async function statusIdByUri(trx: Db, uri: string | null): Promise<string | null> {
  if (uri === null) return null;
  const [row] = await statusIdOfUri(trx, { uri });
  return row?.id ?? null;
}

/** Finds a remote status by its id, only if it belongs to the account (no one may act on another's status). */
export async function findRemoteStatus(ctx: CoreContext, accountId: string, uri: string): Promise<StatusRow | undefined> {
  return ctx.db.selectFrom("statuses").selectAll().where("uri", "=", uri).where("account_id", "=", accountId).executeTakeFirst();
}

/**
 * A status a peer published (Create, or found while fetching a thread): stored with its mentions, tags,
 * emoji, media and poll, then fanned out to home feeds and notifications. A status already stored is
 * returned as it is, with isNew false. Undefined when the author is not a remote account.
 */
export async function recordRemoteStatus(
  ctx: CoreContext,
  record: RemoteStatusRecord,
  options: RemoteStatusOptions = {},
): Promise<RecordedRemoteStatus | undefined> {
  // Inside a write already open, a refused insert would not roll back what came before it: look first.
  if (ctx.db.isTransaction) {
    const existing = await findStatusByUri(ctx, record.uri);
    if (existing) return { status: existing, isNew: false };
  }
  try {
    return await storeNewRemoteStatus(ctx, record, options);
  } catch (error) {
    // Its caller looked for the uri a moment ago; one stored since (the same Note in two deliveries handled at
    // once) is found by the unique index rather than by a lookup on every arrival (issue #19), and this
    // write's rows are rolled back with its insert.
    if (!isUriTaken(error)) throw error;
    const existing = await findStatusByUri(ctx, record.uri);
    if (!existing) throw error;
    return { status: existing, isNew: false };
  }
}

function isUriTaken(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "SQLITE_CONSTRAINT_UNIQUE" && error.message.includes("statuses.uri");
}

function storeNewRemoteStatus(ctx: CoreContext, record: RemoteStatusRecord, options: RemoteStatusOptions): Promise<RecordedRemoteStatus | undefined> {
  return write(ctx, async (trx, after) => {
    const author = await accountRowById(trx, record.accountId);
    if (!author || author.domain === null) return undefined;
    await upsertRemoteEmojis(ctx, trx, author.domain, record.emojis);
    const status = await insertStatus(ctx, trx, {
      accountId: author.id,
      local: false,
      uri: record.uri,
      url: record.url,
      inReplyToId: record.inReplyToId ?? (await statusIdByUri(trx, record.inReplyToUri)),
      inReplyToUri: record.inReplyToUri,
      quoteOfId: record.quoteOfId ?? (await statusIdByUri(trx, record.quoteUri)),
      quoteUri: record.quoteUri,
      conversationUri: record.conversationUri,
      visibility: record.visibility,
      content: record.content,
      spoilerText: record.spoilerText,
      sensitive: record.sensitive,
      language: record.language,
      createdAt: record.createdAt,
      editedAt: record.editedAt,
      fetchedAt: ctx.clock.now().toISOString(),
      mentions: mentionsOf(record),
      tags: record.tagNames,
      remoteMedia: mediaRecords(record.media),
      poll: record.poll ? pollRecord(record.poll) : null,
    });
    // The row just inserted and its author read above are this transaction's: the fan-out reads neither again.
    await fanOutStatus(ctx, trx, after, status.id, { skipNotifications: options.skipNotifications }, { status, author });
    return { status, isNew: true };
  });
}

function isNewerEdit(stored: StatusRow, editedAt: string | null): editedAt is string {
  if (editedAt === null) return false;
  return editedAt > (stored.edited_at ?? stored.created_at);
}

/**
 * An Update of a remote status. When the object says it was edited after the version we have, the edit is
 * stored (the old version kept in its history) and fanned out; otherwise only a poll's tallies are taken, as
 * Mastodon does for the Updates it sends as votes come in. An Update for a status we never stored, or that
 * is not the sender's, changes nothing. Visibility never changes with an edit.
 */
export async function recordRemoteEdit(ctx: CoreContext, record: RemoteStatusRecord): Promise<StatusRow | undefined> {
  const stored = await findRemoteStatus(ctx, record.accountId, record.uri);
  if (!stored || stored.reblog_of_id !== null) return undefined;
  if (!isNewerEdit(stored, record.editedAt)) {
    if (record.poll) await recordRemotePollTallies(ctx, stored.id, record.poll);
    return stored;
  }
  const editedAt = record.editedAt;
  return write(ctx, async (trx, after) => {
    const author = await accountRowById(trx, record.accountId);
    if (author?.domain) await upsertRemoteEmojis(ctx, trx, author.domain, record.emojis);
    const updated = await updateStoredStatus(ctx, trx, {
      statusId: stored.id,
      content: record.content,
      spoilerText: record.spoilerText,
      sensitive: record.sensitive,
      language: record.language,
      editedAt,
      mentions: mentionsOf(record),
      tags: record.tagNames,
      remoteMedia: mediaRecords(record.media),
      poll: record.poll ? pollRecord(record.poll) : null,
    });
    await fanOutStatusUpdate(ctx, trx, after, stored.id);
    return updated.status;
  });
}

/**
 * New tallies for a remote poll (the Update its server sends as votes come in, or when it closes). Options
 * must be the same ones; a poll that now closed tells the local accounts that voted ("poll" notification).
 */
export async function recordRemotePollTallies(ctx: CoreContext, statusId: string, poll: RemotePoll): Promise<void> {
  await write(ctx, async (trx, after) => {
    const existing = await trx.selectFrom("polls").selectAll().where("status_id", "=", statusId).executeTakeFirst();
    if (!existing || existing.cached_tallies_json === null) return;
    const options = JSON.parse(existing.options_json) as string[];
    if (options.length !== poll.options.length || options.some((option, index) => option !== poll.options[index])) return;
    await trx
      .updateTable("polls")
      .set({
        cached_tallies_json: JSON.stringify(poll.tallies),
        voters_count: poll.votersCount,
        expires_at: poll.expiresAt ?? existing.expires_at,
        closed_at: existing.closed_at ?? poll.closedAt,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", existing.id)
      .execute();
    if (existing.closed_at !== null || poll.closedAt === null) return;
    await notifyVoters(ctx, trx, after, existing.id, statusId);
  });
}

async function notifyVoters(ctx: CoreContext, trx: Db, after: AfterCommit, pollId: string, statusId: string): Promise<void> {
  const status = await trx.selectFrom("statuses").select("account_id").where("id", "=", statusId).executeTakeFirstOrThrow();
  const voters = await trx
    .selectFrom("poll_votes")
    .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
    .select("poll_votes.account_id")
    .distinct()
    .where("poll_votes.poll_id", "=", pollId)
    .where("accounts.domain", "is", null)
    .execute();
  for (const voter of voters) {
    await notify(ctx, trx, after, { accountId: voter.account_id, type: "poll", fromAccountId: status.account_id, statusId });
  }
}

/**
 * A Delete of a remote status (or boost) by its author. A Delete for something we never stored, or that is
 * someone else's, does nothing: peers send Deletes to everyone they ever federated with.
 */
export async function recordRemoteDelete(ctx: CoreContext, accountId: string, uri: string): Promise<boolean> {
  return write(ctx, async (trx, after) => {
    const status = await trx.selectFrom("statuses").select("id").where("uri", "=", uri).where("account_id", "=", accountId).executeTakeFirst();
    const removed = status ? await removeStatus(trx, status.id) : undefined;
    if (!removed) return false;
    emitStatusRemoved(after, removed);
    return true;
  });
}

// Compiled once: asked of every status pushed to the inbox (issue #19).
const localFollowOf = compiledQuery((db, { accountId }: { accountId: string }) =>
  db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("follows.id")
    .where("follows.target_account_id", "=", accountId)
    .where("follows.state", "=", "accepted")
    .where("accounts.domain", "is", null),
);

/** Whether a local account follows this one: what makes its boosts (and statuses found through them) ours to keep. */
export async function isFollowedLocally(ctx: CoreContext, accountId: string): Promise<boolean> {
  const [row] = await localFollowOf(ctx.db, { accountId });
  return row !== undefined;
}
