import type { Kysely } from "kysely";
import type { DatabaseSchema, NotificationType, Visibility } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { notify } from "../notifications/notifications.ts";
import { upsertRemoteEmojis } from "../emojis/remote-emojis.ts";
import type { RemoteEmoji } from "../statuses/remote-status-record.ts";
import { insertStatus, statusRowById } from "../statuses/status-store.ts";
import type { StatusRow } from "../rows.ts";
import { removeStatus } from "../statuses/status-removal.ts";
import { emitStatusRemoved, fanOutStatus } from "../statuses/fan-out.ts";
import { write } from "../write.ts";

/**
 * What remote accounts do to statuses: boost (Announce) and react (EmojiReact, Misskey's Like with a
 * reaction), and take each back (Undo); favourites are interactions.ts's recordFavourite, votes are
 * polls.ts's recordRemoteVote. Every record* is idempotent: the unique ids and constraints make a
 * redelivered activity store and notify once.
 */

type Db = Kysely<DatabaseSchema>;

async function loadStatus(trx: Db, statusId: string): Promise<StatusRow | undefined> {
  return statusRowById(trx, statusId);
}

/** The notification a taken-back act made goes with it, as Mastodon's goes with its favourite or boost. */
async function withdrawNotification(trx: Db, type: NotificationType, fromAccountId: string, status: StatusRow): Promise<void> {
  await trx
    .deleteFrom("notifications")
    .where("account_id", "=", status.account_id)
    .where("type", "=", type)
    .where("from_account_id", "=", fromAccountId)
    .where("status_id", "=", status.id)
    .execute();
}

// Boosts.

export interface RemoteAnnounce {
  /** The booster. */
  accountId: string;
  /** The Announce activity's id: the boost row's uri. */
  uri: string;
  /** The boosted status (local, or remote and stored). */
  statusId: string;
  /** From the Announce's own addressing. */
  visibility: Visibility;
  createdAt: string;
}

const VISIBILITY_WIDTH: Record<Visibility, number> = { direct: 0, private: 1, unlisted: 2, public: 3 };

/** The narrower of two visibilities (who may see both). */
function narrowerVisibility(a: Visibility, b: Visibility): Visibility {
  return VISIBILITY_WIDTH[a] <= VISIBILITY_WIDTH[b] ? a : b;
}

/**
 * A remote account boosted a status. Only public and unlisted statuses can be boosted by others, as on
 * Mastodon; a boost of a boost counts for the status boosted. Undefined when refused.
 */
export async function recordRemoteAnnounce(ctx: CoreContext, announce: RemoteAnnounce): Promise<StatusRow | undefined> {
  return write(ctx, async (trx, after) => {
    const existing = await trx.selectFrom("statuses").selectAll().where("uri", "=", announce.uri).executeTakeFirst();
    if (existing) return existing;
    let original = await loadStatus(trx, announce.statusId);
    if (original?.reblog_of_id) original = await loadStatus(trx, original.reblog_of_id);
    if (!original) return undefined;
    const isBoostable = original.account_id === announce.accountId || original.visibility === "public" || original.visibility === "unlisted";
    if (!isBoostable) return undefined;
    const status = await insertStatus(ctx, trx, {
      accountId: announce.accountId,
      local: false,
      uri: announce.uri,
      reblogOfId: original.id,
      // A boost is never wider than what it boosts: timelines judge a boost by its own visibility, so an
      // author's public Announce of their followers-only post would otherwise show it to everyone.
      visibility: narrowerVisibility(announce.visibility, original.visibility),
      createdAt: announce.createdAt,
      fetchedAt: ctx.clock.now().toISOString(),
    });
    await fanOutStatus(ctx, trx, after, status.id);
    return status;
  });
}

/** Undo(Announce): the boost is gone, found by the Announce's id or else by who boosted what. */
export async function recordRemoteUnannounce(ctx: CoreContext, input: { accountId: string; uri: string | null; statusId?: string | null }): Promise<boolean> {
  return write(ctx, async (trx, after) => {
    let query = trx.selectFrom("statuses").selectAll().where("account_id", "=", input.accountId).where("reblog_of_id", "is not", null);
    if (input.uri) query = query.where("uri", "=", input.uri);
    else if (input.statusId) query = query.where("reblog_of_id", "=", input.statusId);
    else return false;
    const boost = await query.executeTakeFirst();
    if (!boost?.reblog_of_id) return false;
    const original = await loadStatus(trx, boost.reblog_of_id);
    if (original) await withdrawNotification(trx, "reblog", input.accountId, original);
    const removed = await removeStatus(trx, boost.id);
    if (!removed) return false;
    emitStatusRemoved(after, removed);
    return true;
  });
}

// Emoji reactions.

export interface RemoteReactionInput {
  accountId: string;
  statusId: string;
  /** The EmojiReact (or Like) activity's id. */
  uri: string;
  /** A unicode emoji, or a custom emoji's shortcode. */
  name: string;
  /** The custom emoji's image, stored under the reacting account's domain. */
  emoji: RemoteEmoji | null;
}

/** A remote account reacted to one of our statuses with an emoji. */
export async function recordRemoteReaction(ctx: CoreContext, reaction: RemoteReactionInput): Promise<boolean> {
  return write(ctx, async (trx, after) => {
    const status = await loadStatus(trx, reaction.statusId);
    if (!status || status.local !== 1 || status.reblog_of_id) return false;
    const reactor = await trx.selectFrom("accounts").select("domain").where("id", "=", reaction.accountId).executeTakeFirst();
    if (!reactor?.domain) return false;
    const emojis = reaction.emoji ? await upsertRemoteEmojis(ctx, trx, reactor.domain, [reaction.emoji]) : new Map();
    const inserted = await trx
      .insertInto("reactions")
      .values({
        id: ctx.ids.next(),
        account_id: reaction.accountId,
        status_id: status.id,
        name: reaction.name,
        custom_emoji_id: emojis.get(reaction.name)?.id ?? null,
        uri: reaction.uri,
        created_at: ctx.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return false;
    await notify(ctx, trx, after, { accountId: status.account_id, type: "reaction", fromAccountId: reaction.accountId, statusId: status.id });
    return true;
  });
}

/** Undo(EmojiReact), or Undo of a Misskey reaction Like: found by the activity's id, else by emoji and status. */
export async function recordRemoteUnreact(
  ctx: CoreContext,
  input: { accountId: string; uri: string | null; statusId?: string | null; name?: string | null },
): Promise<boolean> {
  return write(ctx, async (trx) => {
    let query = trx.selectFrom("reactions").selectAll().where("account_id", "=", input.accountId);
    if (input.uri) query = query.where("uri", "=", input.uri);
    else if (input.statusId && input.name) query = query.where("status_id", "=", input.statusId).where("name", "=", input.name);
    else return false;
    const reaction = await query.executeTakeFirst();
    if (!reaction) return false;
    await trx.deleteFrom("reactions").where("id", "=", reaction.id).execute();
    const others = await trx.selectFrom("reactions").select("id").where("account_id", "=", input.accountId).where("status_id", "=", reaction.status_id).executeTakeFirst();
    const status = others ? undefined : await loadStatus(trx, reaction.status_id);
    if (status) await withdrawNotification(trx, "reaction", input.accountId, status);
    return true;
  });
}
