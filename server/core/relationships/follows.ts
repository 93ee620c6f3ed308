import type { Kysely } from "kysely";
import { Forbidden, NotFound } from "../errors.ts";
import type { DatabaseSchema, FollowState } from "../../db/schema.ts";
import { isBlockedEitherWay, isDomainBlockedBy } from "./account-barriers.ts";
import type { CoreContext } from "../context.ts";
import { mergeIntoHome, unmergeFromHome } from "../timelines/home-feed.ts";
import { notify } from "../notifications/notifications.ts";
import type { FollowSnapshot } from "../ports.ts";
import type { AccountRow, FollowRow } from "../rows.ts";
import { write, type AfterCommit, type WriteTransaction } from "../write.ts";
import { requireNotMoved } from "../accounts/moves.ts";

/**
 * Follows and follow requests, both ways. A local account's acts (follow, unfollow, accept, reject,
 * remove a follower) write the rows and the activity for the peer in one write (core/write.ts); what a peer
 * tells us (its Follow, Accept, Reject, Undo) arrives through the record* functions.
 */

const isRemote = (account: AccountRow) => account.domain !== null;

/** What the activities about a follow need of it, kept in the outbox even after the row is gone. */
export function followSnapshot(follow: FollowRow): FollowSnapshot {
  return { id: follow.id, uri: follow.uri, followerId: follow.account_id, targetId: follow.target_account_id };
}

async function loadAccount(db: Kysely<DatabaseSchema>, id: string, what: string): Promise<AccountRow> {
  const account = await db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!account) throw new NotFound(`There is no ${what} with id ${id}.`);
  return account;
}

async function loadLocalAccount(db: Kysely<DatabaseSchema>, id: string): Promise<AccountRow> {
  const account = await loadAccount(db, id, "account");
  if (isRemote(account)) throw new Forbidden(`Account ${id} is not on this instance; only its own server can act for it.`);
  return account;
}

async function findFollow(db: Kysely<DatabaseSchema>, accountId: string, targetAccountId: string): Promise<FollowRow | undefined> {
  return db
    .selectFrom("follows")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetAccountId)
    .executeTakeFirst();
}

/**
 * Removes a follow (or request). The follower's lists and endorsements lose the account too, as Mastodon's
 * hang off the follow: a list (or a featured account) is always one its owner follows.
 */
export async function deleteFollow(trx: Kysely<DatabaseSchema>, follow: FollowRow): Promise<void> {
  await trx.deleteFrom("follows").where("id", "=", follow.id).execute();
  await unmergeFromHome(trx, follow.account_id, follow.target_account_id);
  await trx.deleteFrom("account_endorsements").where("account_id", "=", follow.account_id).where("target_account_id", "=", follow.target_account_id).execute();
  await trx
    .deleteFrom("list_accounts")
    .where("account_id", "=", follow.target_account_id)
    .where("list_id", "in", (eb) => eb.selectFrom("lists").select("lists.id").where("lists.account_id", "=", follow.account_id))
    .execute();
}

export async function getFollow(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<FollowRow | undefined> {
  return findFollow(ctx.db, accountId, targetAccountId);
}

/** The id of a Follow we send: dereferenceable later, unique now. */
function followUri(origin: string, followId: string): string {
  return `${origin}/follows/${followId}`;
}

export interface FollowOptions {
  /** The instance's canonical origin, which our Follow activity ids live under. */
  origin: string;
  /** Whether the follower's home shows this account's boosts (Mastodon's `reblogs`); unchanged when absent. */
  showReblogs?: boolean;
  /** Whether the follower is notified of each new post (Mastodon's `notify`); unchanged when absent. */
  notify?: boolean;
  /** The languages wanted from this account (ISO 639-1), null for all; unchanged when absent. */
  languages?: readonly string[] | null;
}

/** The columns FollowOptions sets; on a new follow Mastodon's defaults (boosts shown, no notify, all languages). */
function followOptionColumns(options: FollowOptions) {
  return {
    ...(options.showReblogs === undefined ? {} : { show_reblogs: options.showReblogs ? 1 : 0 }),
    ...(options.notify === undefined ? {} : { notify: options.notify ? 1 : 0 }),
    ...(options.languages === undefined ? {} : { languages_json: options.languages === null ? null : JSON.stringify(options.languages) }),
  };
}

/**
 * A local account follows another. A remote target (or a locked local one) has to accept first, so the
 * follow waits as pending; an unlocked local account is followed at once. Following again only updates the
 * options (boosts, notify, languages), as on Mastodon.
 */
export async function followAccount(ctx: CoreContext, accountId: string, targetAccountId: string, options: FollowOptions): Promise<FollowRow> {
  if (accountId === targetAccountId) throw new Forbidden("You cannot follow yourself.");
  return write(ctx, async (trx, after) => {
    await loadLocalAccount(trx, accountId);
    await requireNotMoved(trx, accountId);
    const target = await loadAccount(trx, targetAccountId, "account to follow");
    if ((await isBlockedEitherWay(trx, accountId, targetAccountId)) || (await isDomainBlockedBy(trx, accountId, target.domain))) {
      // Mastodon's own sentence for this refusal (Mastodon::NotPermittedError), which apps show as it is.
      throw new Forbidden("This action is not allowed");
    }
    const existing = await findFollow(trx, accountId, targetAccountId);
    if (existing) {
      const columns = followOptionColumns(options);
      const follow =
        Object.keys(columns).length === 0
          ? existing
          : await trx.updateTable("follows").set(columns).where("id", "=", existing.id).returningAll().executeTakeFirstOrThrow();
      return follow;
    }
    const now = ctx.clock.now();
    const id = ctx.ids.next(now);
    const state = isRemote(target) || target.is_locked === 1 ? "pending" : "accepted";
    const follow = await trx
      .insertInto("follows")
      .values({
        id,
        account_id: accountId,
        target_account_id: targetAccountId,
        state,
        uri: followUri(options.origin, id),
        ...followOptionColumns(options),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // Following an unlocked local account is immediate: its recent statuses join the home feed now.
    if (state === "accepted") await mergeIntoHome(trx, accountId, targetAccountId);
    if (isRemote(target)) after.publish({ type: "follow.requested", follow: followSnapshot(follow) });
    else await notifyFollowed(ctx, trx, after, follow);
    return follow;
  });
}

/** The local account followed hears of it: a follow, or a request to answer when it is locked. */
async function notifyFollowed(ctx: CoreContext, trx: WriteTransaction, after: AfterCommit, follow: FollowRow): Promise<void> {
  const type = follow.state === "accepted" ? "follow" : "follow_request";
  await notify(ctx, trx, after, { accountId: follow.target_account_id, type, fromAccountId: follow.account_id });
}

/** A local account stops following, or withdraws a request it has not had answered. */
export async function unfollowAccount(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<void> {
  await write(ctx, async (trx, after) => {
    await loadLocalAccount(trx, accountId);
    const target = await loadAccount(trx, targetAccountId, "account to unfollow");
    const follow = await findFollow(trx, accountId, targetAccountId);
    if (!follow) return;
    await deleteFollow(trx, follow);
    if (isRemote(target)) after.publish({ type: "follow.undone", follow: followSnapshot(follow) });
  });
}

async function answerFollowRequest(ctx: CoreContext, accountId: string, requesterId: string, mode: "accept" | "reject"): Promise<FollowRow> {
  return write(ctx, async (trx, after) => {
    await loadLocalAccount(trx, accountId);
    const follower = await loadAccount(trx, requesterId, "account that asked to follow");
    const request = await findFollow(trx, requesterId, accountId);
    if (!request || request.state !== "pending") {
      throw new NotFound(`There is no follow request from ${follower.username} to answer.`);
    }
    // The request is answered either way: its notification goes, as Mastodon's goes with the request.
    await trx
      .deleteFrom("notifications")
      .where("account_id", "=", accountId)
      .where("type", "=", "follow_request")
      .where("from_account_id", "=", requesterId)
      .execute();
    if (mode === "reject") {
      await deleteFollow(trx, request);
      if (isRemote(follower)) after.publish({ type: "follow.rejected", follow: followSnapshot(request) });
      return request;
    }
    const follow = await trx
      .updateTable("follows")
      .set({ state: "accepted", updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", request.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await mergeIntoHome(trx, follow.account_id, follow.target_account_id);
    if (isRemote(follower)) after.publish({ type: "follow.accepted", follow: followSnapshot(follow) });
    return follow;
  });
}

/** A locked local account lets a requester follow it. */
export function acceptFollowRequest(ctx: CoreContext, accountId: string, requesterId: string): Promise<FollowRow> {
  return answerFollowRequest(ctx, accountId, requesterId, "accept");
}

/** A locked local account turns a requester away. */
export async function rejectFollowRequest(ctx: CoreContext, accountId: string, requesterId: string): Promise<void> {
  await answerFollowRequest(ctx, accountId, requesterId, "reject");
}

/** A local account drops one of its followers; a remote follower's server hears it as a Reject, as Mastodon sends. */
export async function removeFollower(ctx: CoreContext, accountId: string, followerId: string): Promise<void> {
  await write(ctx, async (trx, after) => {
    await loadLocalAccount(trx, accountId);
    const follower = await loadAccount(trx, followerId, "follower");
    const follow = await findFollow(trx, followerId, accountId);
    if (!follow) return;
    await deleteFollow(trx, follow);
    if (isRemote(follower)) after.publish({ type: "follow.rejected", follow: followSnapshot(follow) });
  });
}

// What peers tell us.

export interface IncomingFollow {
  /** The remote follower, already stored. */
  followerId: string;
  /** The local account followed. */
  targetAccountId: string;
  /** The Follow activity's id. */
  uri: string;
}

/**
 * A remote account asks to follow a local one: accepted at once unless the local account is locked, in
 * which case it waits as a request. A repeated Follow for a follow we already have is accepted again (the
 * peer may have lost our Accept), as Mastodon does. Returns undefined when the target is not local, or when
 * it blocks the follower (or the follower's server), which is then sent a Reject.
 */
export async function recordIncomingFollow(ctx: CoreContext, input: IncomingFollow): Promise<FollowRow | undefined> {
  return write(ctx, async (trx, after) => {
    const target = await trx.selectFrom("accounts").selectAll().where("id", "=", input.targetAccountId).executeTakeFirst();
    const follower = await trx.selectFrom("accounts").selectAll().where("id", "=", input.followerId).executeTakeFirst();
    if (!target || isRemote(target) || !follower || !isRemote(follower)) return undefined;
    const now = ctx.clock.now().toISOString();
    // Someone the local account blocks (or whose server it blocks) is turned away, as Mastodon does.
    if ((await isBlockedEitherWay(trx, target.id, follower.id)) || (await isDomainBlockedBy(trx, target.id, follower.domain))) {
      after.publish({ type: "follow.rejected", follow: { id: ctx.ids.next(), uri: input.uri, followerId: follower.id, targetId: target.id } });
      return undefined;
    }
    const existing = await findFollow(trx, follower.id, target.id);
    if (existing) {
      const follow = await trx
        .updateTable("follows")
        .set({ uri: input.uri, updated_at: now })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (follow.state === "accepted") after.publish({ type: "follow.accepted", follow: followSnapshot(follow) });
      return follow;
    }
    const follow = await trx
      .insertInto("follows")
      .values({
        id: ctx.ids.next(),
        account_id: follower.id,
        target_account_id: target.id,
        state: target.is_locked === 1 ? "pending" : "accepted",
        uri: input.uri,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (follow.state === "accepted") after.publish({ type: "follow.accepted", follow: followSnapshot(follow) });
    await notifyFollowed(ctx, trx, after, follow);
    return follow;
  });
}

/** Which of our outgoing follows a peer's answer is about: by the Follow's id, or by who followed. */
export interface FollowAnswer {
  /** The remote account that answered: it must be the one followed. */
  targetAccountId: string;
  followUri?: string | null;
  /** The local follower, when the answer names it rather than (or as well as) the Follow's id. */
  accountId?: string | null;
}

async function findAnsweredFollow(db: Kysely<DatabaseSchema>, answer: FollowAnswer): Promise<FollowRow | undefined> {
  if (answer.followUri) {
    const byUri = await db
      .selectFrom("follows")
      .selectAll()
      .where("uri", "=", answer.followUri)
      .where("target_account_id", "=", answer.targetAccountId)
      .executeTakeFirst();
    if (byUri) return byUri;
  }
  if (answer.accountId) return findFollow(db, answer.accountId, answer.targetAccountId);
  return undefined;
}

/** A peer accepted one of our follows. Returns the follow, or undefined when we have no such follow. */
export async function recordFollowAccepted(ctx: CoreContext, answer: FollowAnswer): Promise<FollowRow | undefined> {
  return write(ctx, async (trx) => {
    const follow = await findAnsweredFollow(trx, answer);
    if (!follow) return undefined;
    if (follow.state === "accepted") return follow;
    const accepted = await trx
      .updateTable("follows")
      .set({ state: "accepted", updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", follow.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await mergeIntoHome(trx, accepted.account_id, accepted.target_account_id);
    return accepted;
  });
}

/** A peer rejected one of our follow requests, or removed us as a follower: either way the follow is gone. */
export async function recordFollowRejected(ctx: CoreContext, answer: FollowAnswer): Promise<FollowRow | undefined> {
  return write(ctx, async (trx) => {
    const follow = await findAnsweredFollow(trx, answer);
    if (follow) await deleteFollow(trx, follow);
    return follow;
  });
}

export interface UndoneFollow {
  /** The remote account that sent the Undo: it must be the follower. */
  followerId: string;
  followUri?: string | null;
  /** The local account that was followed, when the Undo names it. */
  targetAccountId?: string | null;
}

/** A remote account stopped following a local one (or withdrew its request). */
export async function recordFollowUndone(ctx: CoreContext, undone: UndoneFollow): Promise<FollowRow | undefined> {
  return write(ctx, async (trx) => {
    let follow: FollowRow | undefined;
    if (undone.followUri) {
      follow = await trx
        .selectFrom("follows")
        .selectAll()
        .where("uri", "=", undone.followUri)
        .where("account_id", "=", undone.followerId)
        .executeTakeFirst();
    }
    if (!follow && undone.targetAccountId) follow = await findFollow(trx, undone.followerId, undone.targetAccountId);
    if (follow) await deleteFollow(trx, follow);
    return follow;
  });
}

// Reading.

export interface FollowPage {
  items: Array<{ follow: FollowRow; account: AccountRow }>;
  /** The follow id to continue below, or null on the last page. */
  nextMaxId: string | null;
}

/**
 * Accepted followers (side "followers") or accounts followed (side "following") of one account, newest
 * first, paged by follow id; with state "pending", the requests either way.
 */
export async function listFollows(
  ctx: CoreContext,
  accountId: string,
  side: "followers" | "following",
  page: { maxId?: string | null; sinceId?: string | null; minId?: string | null; limit: number },
  state: FollowState = "accepted",
): Promise<FollowPage> {
  const [own, other] = side === "followers" ? (["target_account_id", "account_id"] as const) : (["account_id", "target_account_id"] as const);
  let query = ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", `follows.${other}`)
    .selectAll("accounts")
    .select([
      "follows.id as follow_id",
      "follows.account_id as follow_account_id",
      "follows.target_account_id as follow_target_account_id",
      "follows.state as follow_state",
      "follows.uri as follow_uri",
      "follows.show_reblogs as follow_show_reblogs",
      "follows.notify as follow_notify",
      "follows.languages_json as follow_languages_json",
      "follows.created_at as follow_created_at",
      "follows.updated_at as follow_updated_at",
    ])
    .where(`follows.${own}`, "=", accountId)
    .where("follows.state", "=", state)
    // min_id asks for the page just above it: read upwards, then turn it back to newest first.
    .orderBy("follows.id", page.minId ? "asc" : "desc")
    .limit(page.limit + 1);
  if (page.maxId) query = query.where("follows.id", "<", page.maxId);
  if (page.sinceId) query = query.where("follows.id", ">", page.sinceId);
  if (page.minId) query = query.where("follows.id", ">", page.minId);
  const rows = await query.execute();
  const pageRows = page.minId ? rows.slice(0, page.limit).reverse() : rows.slice(0, page.limit);
  const items = pageRows.map((row) => {
    const {
      follow_id, follow_account_id, follow_target_account_id, follow_state, follow_uri, follow_show_reblogs, follow_notify,
      follow_languages_json, follow_created_at, follow_updated_at, ...account
    } = row;
    const follow: FollowRow = {
      id: follow_id,
      account_id: follow_account_id,
      target_account_id: follow_target_account_id,
      state: follow_state,
      uri: follow_uri,
      show_reblogs: follow_show_reblogs,
      notify: follow_notify,
      languages_json: follow_languages_json,
      created_at: follow_created_at,
      updated_at: follow_updated_at,
    };
    return { follow, account };
  });
  const last = items.at(-1);
  return { items, nextMaxId: rows.length > page.limit && last ? last.follow.id : null };
}

export async function countFollows(ctx: CoreContext, accountId: string, side: "followers" | "following" | "requests"): Promise<number> {
  const column = side === "following" ? "account_id" : "target_account_id";
  const state = side === "requests" ? "pending" : "accepted";
  const row = await ctx.db
    .selectFrom("follows")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(column, "=", accountId)
    .where("state", "=", state)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
