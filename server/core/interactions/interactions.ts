import type { Kysely } from "kysely";
import type { DatabaseSchema, Visibility } from "../../db/schema.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { LIMITS } from "../limits.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import { notify } from "../notifications/notifications.ts";
import { canViewStatus, loadViewerExclusions } from "../visibility/status-visibility.ts";
import { insertStatus, statusRowById } from "../statuses/status-store.ts";
import type { AccountRow, FavouriteRow, StatusRow } from "../rows.ts";
import { emitStatusRemoved, fanOutStatus } from "../statuses/fan-out.ts";
import { write, type AfterCommit, type WriteTransaction } from "../write.ts";
import { removeStatus, type RemovedStatus } from "../statuses/status-removal.ts";
import { requireNotMoved } from "../accounts/moves.ts";

/**
 * What an account does to a status that is not its writing: favourite, boost, bookmark, pin, mute its
 * conversation. The record* functions serve local acts and peers' (a Like or Announce that arrived) alike;
 * the local acts record, in the same write, the activity that tells the peers.
 */

type Db = Kysely<DatabaseSchema>;

export interface InteractionOptions {
  /** The instance's canonical origin: our activities' ids live under it. */
  origin: string;
}

/**
 * The status acted on (a boost stands for what it boosts), if the account may see it: the boost named as well
 * as what it boosts, as Mastodon authorizes the status the id names (a followers-only boost of a public post
 * is not there for those who do not follow the booster).
 */
async function loadTarget(db: Db, accountId: string, statusId: string): Promise<StatusRow> {
  const named = await statusRowById(db, statusId);
  if (!named || !(await canViewStatus(db, named, accountId))) throw new NotFound(`There is no status ${statusId}.`);
  const status = named.reblog_of_id ? await statusRowById(db, named.reblog_of_id) : named;
  if (!status) throw new NotFound(`There is no status ${statusId}.`);
  return status;
}

async function localUsername(db: Db, accountId: string): Promise<string> {
  const account = await db.selectFrom("accounts").select(["username", "domain"]).where("id", "=", accountId).executeTakeFirst();
  if (!account || account.domain !== null) throw new Forbidden("Only accounts of this instance can act here.");
  return account.username;
}

// Favourites.

export interface FavouriteRecord {
  accountId: string;
  statusId: string;
  /** The Like activity's id: the peer's for a remote like; ours (under the actor) for a local one. */
  uri?: string | null;
}

/**
 * Stores a favourite (local or remote) and notifies the status's local author. Returns the favourite and
 * whether it is new: a repeated Like changes nothing.
 */
export function recordFavourite(ctx: CoreContext, input: FavouriteRecord): Promise<{ favourite: FavouriteRow; isNew: boolean }> {
  return write(ctx, (trx, after) => storeFavourite(ctx, trx, after, input));
}

async function storeFavourite(ctx: CoreContext, trx: WriteTransaction, after: AfterCommit, input: FavouriteRecord): Promise<{ favourite: FavouriteRow; isNew: boolean }> {
  const existing = await trx
    .selectFrom("favourites")
    .selectAll()
    .where("account_id", "=", input.accountId)
    .where("status_id", "=", input.statusId)
    .executeTakeFirst();
  if (existing) return { favourite: existing, isNew: false };
  const status = await trx.selectFrom("statuses").select("account_id").where("id", "=", input.statusId).executeTakeFirstOrThrow();
  const favourite = await trx
    .insertInto("favourites")
    .values({ id: ctx.ids.next(), account_id: input.accountId, status_id: input.statusId, uri: input.uri ?? null, created_at: ctx.clock.now().toISOString() })
    .returningAll()
    .executeTakeFirstOrThrow();
  await notify(ctx, trx, after, { accountId: status.account_id, type: "favourite", fromAccountId: input.accountId, statusId: input.statusId });
  return { favourite, isNew: true };
}

interface FavouriteToRemove {
  accountId: string;
  statusId?: string;
  uri?: string;
}

/** Removes a favourite (an unfavourite, or a peer's Undo(Like) by its uri) and the notification it caused. */
export function removeFavourite(ctx: CoreContext, which: FavouriteToRemove): Promise<FavouriteRow | undefined> {
  return write(ctx, (trx) => deleteFavourite(trx, which));
}

async function deleteFavourite(trx: WriteTransaction, which: FavouriteToRemove): Promise<FavouriteRow | undefined> {
  let query = trx.selectFrom("favourites").selectAll().where("account_id", "=", which.accountId);
  if (which.statusId) query = query.where("status_id", "=", which.statusId);
  else if (which.uri) query = query.where("uri", "=", which.uri);
  else return undefined;
  const favourite = await query.executeTakeFirst();
  if (!favourite) return undefined;
  await trx.deleteFrom("favourites").where("id", "=", favourite.id).execute();
  await trx
    .deleteFrom("notifications")
    .where("type", "=", "favourite")
    .where("from_account_id", "=", favourite.account_id)
    .where("status_id", "=", favourite.status_id)
    .execute();
  return favourite;
}

/** A local account favourites a status it can see. Returns the status favourited. */
export async function favouriteStatus(ctx: CoreContext, accountId: string, statusId: string, options: InteractionOptions): Promise<StatusRow> {
  const username = await localUsername(ctx.db, accountId);
  await requireNotMoved(ctx.db, accountId);
  const status = await loadTarget(ctx.db, accountId, statusId);
  const id = ctx.ids.next();
  await write(ctx, async (trx, after) => {
    const { favourite, isNew } = await storeFavourite(ctx, trx, after, {
      accountId,
      statusId: status.id,
      // Mastodon's Like ids: the actor's id with a fragment.
      uri: `${options.origin}/users/${username}#likes/${id}`,
    });
    if (isNew) after.publish({ type: "status.favourited", favouriteId: favourite.id });
  });
  return status;
}

export async function unfavouriteStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  await localUsername(ctx.db, accountId);
  const status = await loadTarget(ctx.db, accountId, statusId);
  await write(ctx, async (trx, after) => {
    const removed = await deleteFavourite(trx, { accountId, statusId: status.id });
    if (removed) after.publish({ type: "status.unfavourited", accountId, statusId: status.id, favouriteUri: removed.uri ?? "" });
  });
  return status;
}

// Boosts.

/** Whether an account may boost a status: public and unlisted ones, and its own private ones; never direct. */
export function mayReblog(status: { account_id: string; visibility: Visibility }, accountId: string): boolean {
  if (status.visibility === "public" || status.visibility === "unlisted") return true;
  return status.visibility === "private" && status.account_id === accountId;
}

/**
 * A local account boosts a status (Mastodon's reblog, with the boost's own visibility; a private status
 * can only be boosted by its author, to its followers). Boosting again answers the existing boost.
 */
export async function reblogStatus(
  ctx: CoreContext,
  accountId: string,
  statusId: string,
  visibility: Visibility = "public",
): Promise<StatusRow> {
  await localUsername(ctx.db, accountId);
  await requireNotMoved(ctx.db, accountId);
  return write(ctx, async (trx, after) => {
    const original = await loadTarget(trx, accountId, statusId);
    if (!mayReblog(original, accountId)) throw new Invalid("This status cannot be boosted: only public and unlisted statuses (and your own private ones) can.");
    const existing = await trx
      .selectFrom("statuses")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("reblog_of_id", "=", original.id)
      .executeTakeFirst();
    if (existing) return existing;
    if (visibility === "direct") throw new Invalid("A boost can be public, unlisted or private, not direct.");
    const boost = await insertStatus(ctx, trx, {
      accountId,
      local: true,
      reblogOfId: original.id,
      // A private status's boost stays among the author's followers.
      visibility: original.visibility === "private" ? "private" : visibility,
      createdAt: ctx.clock.now().toISOString(),
    });
    await fanOutStatus(ctx, trx, after, boost.id);
    after.publish({ type: "status.reblogged", statusId: boost.id });
    return boost;
  });
}

/** Takes back a local account's boost of a status; `removed` is undefined when there was none. */
export async function unreblogStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<{ original: StatusRow; removed: RemovedStatus | undefined }> {
  await localUsername(ctx.db, accountId);
  return write(ctx, async (trx, after) => {
    const original = await loadTarget(trx, accountId, statusId);
    const boost = await trx.selectFrom("statuses").select("id").where("account_id", "=", accountId).where("reblog_of_id", "=", original.id).executeTakeFirst();
    const removed = boost ? await removeStatus(trx, boost.id) : undefined;
    if (removed) {
      emitStatusRemoved(after, removed);
      after.publish({ type: "status.deleted", snapshot: removed.snapshot });
    }
    return { original, removed };
  });
}

// Bookmarks, pins and muted conversations: local only, never federated (pins reach peers via `featured`).

export async function bookmarkStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  const status = await loadTarget(ctx.db, accountId, statusId);
  await write(ctx, (trx) =>
    trx
      .insertInto("bookmarks")
      .values({ id: ctx.ids.next(), account_id: accountId, status_id: status.id, created_at: ctx.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .execute(),
  );
  return status;
}

export async function unbookmarkStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  const status = await loadTarget(ctx.db, accountId, statusId);
  await write(ctx, (trx) => trx.deleteFrom("bookmarks").where("account_id", "=", accountId).where("status_id", "=", status.id).execute());
  return status;
}

/** Pins one of the account's own public or unlisted statuses to its profile (five at most). */
export async function pinStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  return write(ctx, async (trx) => {
    const status = await statusRowById(trx, statusId);
    if (!status || !(await canViewStatus(trx, status, accountId))) throw new NotFound(`There is no status ${statusId}.`);
    if (status.account_id !== accountId) throw new Invalid("Only your own statuses can be pinned.");
    if (status.reblog_of_id !== null) throw new Invalid("A boost cannot be pinned.");
    if (status.visibility !== "public" && status.visibility !== "unlisted") throw new Invalid("Only public and unlisted statuses can be pinned.");
    const pinned = await trx.selectFrom("status_pins").select(["status_id"]).where("account_id", "=", accountId).execute();
    if (pinned.some((pin) => pin.status_id === status.id)) return status;
    const max = LIMITS.accounts.maxPinnedStatuses;
    if (pinned.length >= max) throw new Invalid(`You can pin at most ${max} statuses; unpin one first.`);
    await trx
      .insertInto("status_pins")
      .values({ id: ctx.ids.next(), account_id: accountId, status_id: status.id, created_at: ctx.clock.now().toISOString() })
      .execute();
    return status;
  });
}

export async function unpinStatus(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  const status = await loadTarget(ctx.db, accountId, statusId);
  await write(ctx, (trx) => trx.deleteFrom("status_pins").where("account_id", "=", accountId).where("status_id", "=", status.id).execute());
  return status;
}

async function conversationOf(db: Db, accountId: string, statusId: string): Promise<{ status: StatusRow; conversationId: string }> {
  const status = await loadTarget(db, accountId, statusId);
  if (!status.conversation_id) throw new Invalid("This status is not part of a conversation that can be muted.");
  return { status, conversationId: status.conversation_id };
}

/** Silences notifications from a status's conversation for the account. */
export async function muteConversation(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  const { status, conversationId } = await conversationOf(ctx.db, accountId, statusId);
  await write(ctx, (trx) =>
    trx.insertInto("conversation_mutes").values({ account_id: accountId, conversation_id: conversationId }).onConflict((oc) => oc.doNothing()).execute(),
  );
  return status;
}

export async function unmuteConversation(ctx: CoreContext, accountId: string, statusId: string): Promise<StatusRow> {
  const { status, conversationId } = await conversationOf(ctx.db, accountId, statusId);
  await write(ctx, (trx) => trx.deleteFrom("conversation_mutes").where("account_id", "=", accountId).where("conversation_id", "=", conversationId).execute());
  return status;
}

// Who acted.

/**
 * The accounts that boosted (publicly) or favourited a status, newest first, paged by the boost's or the
 * favourite's id; accounts blocked either way with the viewer are left out.
 */
export async function listStatusActors(
  ctx: CoreContext,
  statusId: string,
  kind: "reblogs" | "favourites",
  viewerId: string | null,
  page: PageRequest,
): Promise<Array<{ pageId: string; account: AccountRow }>> {
  const { blocked } = await loadViewerExclusions(ctx.db, viewerId, ctx.clock.now().toISOString());
  const rows =
    kind === "reblogs"
      ? await pageQuery(
          ctx.db
            .selectFrom("statuses")
            .innerJoin("accounts", "accounts.id", "statuses.account_id")
            .selectAll("accounts")
            .select("statuses.id as page_id")
            .where("statuses.reblog_of_id", "=", statusId)
            .where("statuses.visibility", "in", ["public", "unlisted"])
            .$if(blocked.length > 0, (q) => q.where("accounts.id", "not in", [...blocked])),
          "statuses.id",
          page,
        ).execute()
      : await pageQuery(
          ctx.db
            .selectFrom("favourites")
            .innerJoin("accounts", "accounts.id", "favourites.account_id")
            .selectAll("accounts")
            .select("favourites.id as page_id")
            .where("favourites.status_id", "=", statusId)
            .$if(blocked.length > 0, (q) => q.where("accounts.id", "not in", [...blocked])),
          "favourites.id",
          page,
        ).execute();
  return pageRows(rows, page).map(({ page_id: pageId, ...account }) => ({ pageId, account }));
}
