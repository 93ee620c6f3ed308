import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { announceNotifications, insertNotification, type NewNotification } from "../notifications/notifications.ts";
import type { RemovedStatus } from "./status-store.ts";
import type { AccountConversationRow, AccountRow, NotificationRow, StatusRow } from "../rows.ts";

/**
 * What follows a stored status, for local posts and remote arrivals alike: the home feeds it enters
 * (Mastodon's FanOutOnWriteService and FeedManager's filters), the notifications it causes, the direct
 * conversations it continues, and the events that tell the streams.
 * Every write here is idempotent, so delivering a status twice (a redelivered activity, a catch-up) changes
 * nothing the second time.
 */

type Db = Kysely<DatabaseSchema>;

export interface StatusDelivery {
  homeAccountIds: string[];
  listIds: string[];
  notifications: NotificationRow[];
  conversations: AccountConversationRow[];
}

export interface DeliveryOptions {
  /** Store in feeds without notifying (Mastodon's skip_notifications: imports, old posts found later). */
  skipNotifications?: boolean;
}

export interface Thread {
  status: StatusRow;
  author: AccountRow;
  /** For a boost: the boosted status and its author. */
  original: { status: StatusRow; author: AccountRow } | null;
  mentioned: AccountRow[];
  tagIds: string[];
}

async function loadThread(trx: Db, statusId: string): Promise<Thread | undefined> {
  const status = await trx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status) return undefined;
  const author = await trx.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirstOrThrow();
  let original: Thread["original"] = null;
  if (status.reblog_of_id) {
    const boosted = await trx.selectFrom("statuses").selectAll().where("id", "=", status.reblog_of_id).executeTakeFirst();
    if (boosted) {
      const boostedAuthor = await trx.selectFrom("accounts").selectAll().where("id", "=", boosted.account_id).executeTakeFirstOrThrow();
      original = { status: boosted, author: boostedAuthor };
    }
  }
  const mentioned = await trx
    .selectFrom("mentions")
    .innerJoin("accounts", "accounts.id", "mentions.account_id")
    .selectAll("accounts")
    .where("mentions.status_id", "=", status.id)
    .execute();
  const tags = await trx.selectFrom("status_tags").select("tag_id").where("status_id", "=", status.id).execute();
  return { status, author, original, mentioned, tagIds: tags.map((row) => row.tag_id) };
}

const isLocal = (account: { domain: string | null }) => account.domain === null;

/** Local accounts that would see the status in their home feed before any filter. */
async function homeCandidates(trx: Db, thread: Thread): Promise<Set<string>> {
  const { status, author } = thread;
  const candidates = new Set<string>();
  if (isLocal(author)) candidates.add(author.id);
  if (status.visibility !== "direct") {
    let followers = trx
      .selectFrom("follows")
      .innerJoin("accounts", "accounts.id", "follows.account_id")
      .select("follows.account_id")
      .where("follows.target_account_id", "=", author.id)
      .where("follows.state", "=", "accepted")
      .where("accounts.domain", "is", null);
    // A follow made with reblogs=false keeps that account's boosts out of the follower's home.
    if (status.reblog_of_id) followers = followers.where("follows.show_reblogs", "=", 1);
    for (const row of await followers.execute()) candidates.add(row.account_id);
  }
  if (status.visibility === "private" || status.visibility === "direct") {
    for (const account of thread.mentioned) if (isLocal(account)) candidates.add(account.id);
  }
  // Followed hashtags bring public statuses into home, as on Mastodon.
  if (status.visibility === "public" && !status.reblog_of_id && thread.tagIds.length > 0) {
    const tagFollowers = await trx
      .selectFrom("tag_follows")
      .select("account_id")
      .where("tag_id", "in", thread.tagIds)
      .execute();
    for (const row of tagFollowers) candidates.add(row.account_id);
  }
  return candidates;
}

/** The accounts a status involves: who wrote it, whom it boosts and whom it mentions. */
function involvedAccounts(thread: Thread): AccountRow[] {
  return thread.original ? [thread.author, thread.original.author, ...thread.mentioned] : [thread.author, ...thread.mentioned];
}

/** Who gets the status in home, and who may get it in a list (the exclusive-list and reply rules differ there). */
interface HomeJudgement {
  home: string[];
  /** Candidates not kept away by blocks, mutes, domain blocks or a boost already seen. */
  listEligible: Set<string>;
  /** For a reply to someone else: the candidates who follow (or are) the account it answers. */
  followsRepliedTo: Set<string>;
}

/**
 * FeedManager's home filter: drop recipients who block or mute anyone the status involves (or are blocked by
 * its author or the boosted author), block their domains, keep the author in an exclusive list, do not
 * follow the account a reply answers, or already have the boosted status (or another boost of it).
 */
async function judgeHome(trx: Db, thread: Thread, candidates: Set<string>, now: string): Promise<HomeJudgement> {
  const { status, author } = thread;
  const others = [...candidates].filter((id) => id !== author.id);
  // A boost of something already in the booster's own home is not shown twice there either, as Mastodon keeps it.
  const isAuthorCandidate = candidates.has(author.id) && !(status.reblog_of_id && (await hasBoostedStatusInHome(trx, author.id, status)));
  if (others.length === 0) return { home: isAuthorCandidate ? [author.id] : [], listEligible: new Set(), followsRepliedTo: new Set() };
  const involved = involvedAccounts(thread);
  const involvedIds = [...new Set(involved.map((account) => account.id))];
  const involvedDomains = [...new Set(involved.map((account) => account.domain).filter((domain): domain is string => domain !== null))];
  const hidden = new Set<string>();
  const hide = (rows: Array<{ id: string }>) => rows.forEach((row) => hidden.add(row.id));

  hide(await trx.selectFrom("blocks").select("account_id as id").where("account_id", "in", others).where("target_account_id", "in", involvedIds).execute());
  hide(
    await trx
      .selectFrom("blocks")
      .select("target_account_id as id")
      .where("target_account_id", "in", others)
      .where("account_id", "in", [author.id, ...(thread.original ? [thread.original.author.id] : [])])
      .execute(),
  );
  hide(
    await trx
      .selectFrom("mutes")
      .select("account_id as id")
      .where("account_id", "in", others)
      .where("target_account_id", "in", involvedIds)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .execute(),
  );
  if (involvedDomains.length > 0) {
    hide(await trx.selectFrom("account_domain_blocks").select("account_id as id").where("account_id", "in", others).where("domain", "in", involvedDomains).execute());
  }
  if (status.reblog_of_id) {
    const original = status.reblog_of_id;
    hide(
      await trx
        .selectFrom("home_feed")
        .innerJoin("statuses", "statuses.id", "home_feed.status_id")
        .select("home_feed.account_id as id")
        .where("home_feed.account_id", "in", others)
        .where((eb) => eb.or([eb("statuses.id", "=", original), eb("statuses.reblog_of_id", "=", original)]))
        .where("statuses.id", "!=", status.id)
        .execute(),
    );
  }
  const exclusive = await trx
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .select("lists.account_id")
    .where("lists.account_id", "in", others)
    .where("lists.exclusive", "=", 1)
    .where("list_accounts.account_id", "=", author.id)
    .execute();
  const inExclusiveList = new Set(exclusive.map((row) => row.account_id));

  const repliedTo = status.in_reply_to_account_id;
  let followsRepliedTo = new Set(others);
  if (repliedTo && repliedTo !== author.id) {
    const following = await trx
      .selectFrom("follows")
      .select("account_id")
      .where("account_id", "in", others)
      .where("target_account_id", "=", repliedTo)
      .where("state", "=", "accepted")
      .execute();
    followsRepliedTo = new Set([repliedTo, ...following.map((row) => row.account_id)]);
  }
  // The accounts a private or direct status is addressed to are its audience, whomever it answers.
  const addressed = new Set(status.visibility === "private" || status.visibility === "direct" ? thread.mentioned.map((account) => account.id) : []);
  const home = others.filter((id) => !hidden.has(id) && !inExclusiveList.has(id) && (followsRepliedTo.has(id) || addressed.has(id)));
  return {
    home: isAuthorCandidate ? [author.id, ...home] : home,
    listEligible: new Set(others.filter((id) => !hidden.has(id))),
    followsRepliedTo,
  };
}

/** Lists the status enters: lists holding its author whose owner follows the author and is not kept from it. */
async function listsFor(trx: Db, thread: Thread, judgement: HomeJudgement): Promise<string[]> {
  const { status, author } = thread;
  if (status.visibility === "direct") return [];
  const lists = await trx
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .innerJoin("follows", (join) =>
      join.onRef("follows.account_id", "=", "lists.account_id").onRef("follows.target_account_id", "=", "list_accounts.account_id"),
    )
    .select(["lists.id", "lists.account_id", "lists.replies_policy"])
    .where("list_accounts.account_id", "=", author.id)
    .where("follows.state", "=", "accepted")
    .execute();
  const repliedTo = status.in_reply_to_account_id;
  const result: string[] = [];
  for (const list of lists) {
    if (!judgement.listEligible.has(list.account_id)) continue;
    if (repliedTo && repliedTo !== author.id) {
      // Mastodon's replies_policy: none, replies to list members, or replies to anyone the owner follows.
      if (list.replies_policy === "none") continue;
      if (list.replies_policy === "followed" && !judgement.followsRepliedTo.has(list.account_id)) continue;
      if (list.replies_policy === "list") {
        const member = await trx.selectFrom("list_accounts").select("account_id").where("list_id", "=", list.id).where("account_id", "=", repliedTo).executeTakeFirst();
        if (!member) continue;
      }
    }
    result.push(list.id);
  }
  return result;
}

/** The notifications a new status causes: mentions, a boost of a local status, followers' "notify me". */
async function notificationsFor(trx: Db, thread: Thread): Promise<NewNotification[]> {
  const { status, author } = thread;
  const wanted: NewNotification[] = [];
  if (thread.original) {
    if (isLocal(thread.original.author) && thread.original.author.id !== author.id) {
      wanted.push({ accountId: thread.original.author.id, type: "reblog", fromAccountId: author.id, statusId: thread.original.status.id });
    }
    return wanted;
  }
  const loud = await trx.selectFrom("mentions").select(["account_id", "silent"]).where("status_id", "=", status.id).execute();
  const loudIds = new Set(loud.filter((row) => row.silent === 0).map((row) => row.account_id));
  for (const account of thread.mentioned) {
    if (isLocal(account) && loudIds.has(account.id)) wanted.push({ accountId: account.id, type: "mention", fromAccountId: author.id, statusId: status.id });
  }
  const isReplyToOther = status.in_reply_to_account_id !== null && status.in_reply_to_account_id !== author.id;
  if (status.visibility !== "direct" && !isReplyToOther) {
    const subscribers = await trx
      .selectFrom("follows")
      .innerJoin("accounts", "accounts.id", "follows.account_id")
      .select("follows.account_id")
      .where("follows.target_account_id", "=", author.id)
      .where("follows.state", "=", "accepted")
      .where("follows.notify", "=", 1)
      .where("accounts.domain", "is", null)
      .execute();
    for (const row of subscribers) {
      if (!loudIds.has(row.account_id)) wanted.push({ accountId: row.account_id, type: "status", fromAccountId: author.id, statusId: status.id });
    }
  }
  return wanted;
}

/** Direct statuses continue a conversation for each local participant (Mastodon's AccountConversation). */
async function updateConversations(ctx: CoreContext, trx: Db, thread: Thread): Promise<AccountConversationRow[]> {
  const { status, author } = thread;
  if (status.visibility !== "direct" || status.reblog_of_id || !status.conversation_id) return [];
  const participants = [author, ...thread.mentioned];
  const participantIds = [...new Set(participants.map((account) => account.id))];
  const now = ctx.clock.now().toISOString();
  const rows: AccountConversationRow[] = [];
  for (const account of participants) {
    if (!isLocal(account) || rows.some((row) => row.account_id === account.id)) continue;
    if (account.id !== author.id) {
      const blocking = await trx.selectFrom("blocks").select("id").where("account_id", "=", account.id).where("target_account_id", "=", author.id).executeTakeFirst();
      if (blocking) continue;
    }
    const others = participantIds.filter((id) => id !== account.id);
    const existing = await trx
      .selectFrom("account_conversations")
      .selectAll()
      .where("account_id", "=", account.id)
      .where("conversation_id", "=", status.conversation_id)
      .executeTakeFirst();
    const unread = account.id === author.id ? 0 : 1;
    if (existing) {
      const known = JSON.parse(existing.participant_account_ids_json) as string[];
      const isNewer = existing.last_status_id === null || existing.last_status_id <= status.id;
      rows.push(
        await trx
          .updateTable("account_conversations")
          .set({
            participant_account_ids_json: JSON.stringify([...new Set([...known, ...others])]),
            last_status_id: isNewer ? status.id : existing.last_status_id,
            unread: isNewer ? unread : existing.unread,
            updated_at: now,
          })
          .where("id", "=", existing.id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    } else {
      rows.push(
        await trx
          .insertInto("account_conversations")
          .values({
            id: ctx.ids.next(),
            account_id: account.id,
            conversation_id: status.conversation_id,
            last_status_id: status.id,
            participant_account_ids_json: JSON.stringify(others),
            unread,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
  }
  return rows;
}

/** Whether an account's home already holds the status a boost boosts, or another boost of it. */
async function hasBoostedStatusInHome(trx: Db, accountId: string, boost: { id: string; reblog_of_id: string | null }): Promise<boolean> {
  const original = boost.reblog_of_id;
  if (!original) return false;
  const row = await trx
    .selectFrom("home_feed")
    .innerJoin("statuses", "statuses.id", "home_feed.status_id")
    .select("home_feed.status_id")
    .where("home_feed.account_id", "=", accountId)
    .where((eb) => eb.or([eb("statuses.id", "=", original), eb("statuses.reblog_of_id", "=", original)]))
    .where("statuses.id", "!=", boost.id)
    .executeTakeFirst();
  return row !== undefined;
}

async function insertHomeRows(trx: Db, statusId: string, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await trx
    .insertInto("home_feed")
    .values(accountIds.map((accountId) => ({ account_id: accountId, status_id: statusId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function tagNames(trx: Db, tagIds: readonly string[]): Promise<string[]> {
  if (tagIds.length === 0) return [];
  const rows = await trx.selectFrom("tags").select("name").where("id", "in", tagIds).execute();
  return rows.map((row) => row.name);
}

/** What fanOutStatus wrote, for announceStatus to tell once the transaction has committed. */
export interface StatusFanOut {
  thread: Thread;
  delivery: StatusDelivery;
  tags: string[];
}

/**
 * Fans a status out inside the transaction that stored it: home feeds, lists, notifications, direct
 * conversations. One transaction for both means a crash never leaves a stored status that reached no feed,
 * and an arrival costs one commit. Serves local posts and remote arrivals (the caller publishes to peers,
 * for local acts only). Undefined when the status is gone.
 */
export async function fanOutStatus(ctx: CoreContext, trx: Db, statusId: string, options: DeliveryOptions = {}): Promise<StatusFanOut | undefined> {
  const thread = await loadThread(trx, statusId);
  if (!thread) return undefined;
  const now = ctx.clock.now().toISOString();
  const judgement = await judgeHome(trx, thread, await homeCandidates(trx, thread), now);
  const homeAccountIds = judgement.home;
  await insertHomeRows(trx, thread.status.id, homeAccountIds);
  const listIds = await listsFor(trx, thread, judgement);
  const notifications: NotificationRow[] = [];
  if (!options.skipNotifications) {
    for (const wanted of await notificationsFor(trx, thread)) {
      const row = await insertNotification(ctx, trx, wanted);
      if (row) notifications.push(row);
    }
  }
  const conversations = await updateConversations(ctx, trx, thread);
  return { thread, delivery: { homeAccountIds, listIds, notifications, conversations }, tags: await tagNames(trx, thread.tagIds) };
}

/** After fanOutStatus's transaction has committed: status.created, notification.created and conversation.updated. */
export function announceStatus(ctx: CoreContext, fanOut: StatusFanOut | undefined): StatusDelivery | undefined {
  if (!fanOut) return undefined;
  const { thread, delivery, tags } = fanOut;
  const isBoost = thread.status.reblog_of_id !== null;
  ctx.events.emit({
    type: "status.created",
    statusId: thread.status.id,
    homeAccountIds: delivery.homeAccountIds,
    listIds: delivery.listIds,
    // Public streams carry public statuses but not boosts, as Mastodon's do.
    public: thread.status.visibility === "public" && !isBoost,
    local: isLocal(thread.author),
    tags: isBoost ? [] : tags,
    directAccountIds: delivery.conversations.map((row) => row.account_id),
  });
  announceNotifications(ctx, delivery.notifications);
  for (const row of delivery.conversations) {
    ctx.events.emit({ type: "conversation.updated", accountConversationId: row.id, accountId: row.account_id });
  }
  return delivery;
}

/** Fans out a status stored by an earlier transaction, and announces it. */
export async function deliverStatus(ctx: CoreContext, statusId: string, options: DeliveryOptions = {}): Promise<StatusDelivery | undefined> {
  return announceStatus(ctx, await ctx.db.transaction().execute((trx) => fanOutStatus(ctx, trx, statusId, options)));
}

/**
 * After an edit has committed: accounts newly addressed get it in their feed and newly mentioned ones a
 * mention; local accounts that boosted (or quoted) it hear of the edit ("update"); the streams get
 * status.updated.
 */
export async function deliverStatusUpdate(ctx: CoreContext, statusId: string): Promise<NotificationRow[]> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const thread = await loadThread(trx, statusId);
    if (!thread) return undefined;
    const now = ctx.clock.now().toISOString();
    await insertHomeRows(trx, thread.status.id, (await judgeHome(trx, thread, await homeCandidates(trx, thread), now)).home);
    const notifications: NotificationRow[] = [];
    const wanted = (await notificationsFor(trx, thread)).filter((notification) => notification.type === "mention");
    const interested = await trx
      .selectFrom("statuses")
      .innerJoin("accounts", "accounts.id", "statuses.account_id")
      .select("statuses.account_id")
      .where((eb) => eb.or([eb("statuses.reblog_of_id", "=", statusId), eb("statuses.quote_of_id", "=", statusId)]))
      .where("accounts.domain", "is", null)
      .execute();
    for (const row of new Set(interested.map((r) => r.account_id))) {
      wanted.push({ accountId: row, type: "update", fromAccountId: thread.author.id, statusId });
    }
    for (const notification of wanted) {
      const row = await insertNotification(ctx, trx, notification);
      if (row) notifications.push(row);
    }
    const home = await trx.selectFrom("home_feed").select("account_id").where("status_id", "=", statusId).execute();
    return { thread, notifications, homeAccountIds: home.map((row) => row.account_id) };
  });
  if (!result) return [];
  ctx.events.emit({
    type: "status.updated",
    statusId,
    homeAccountIds: result.homeAccountIds,
    public: result.thread.status.visibility === "public",
    local: isLocal(result.thread.author),
  });
  announceNotifications(ctx, result.notifications);
  return result.notifications;
}

/** After a removal has committed: the streams drop the status and its boosts. */
export function announceRemovedStatus(ctx: CoreContext, removed: RemovedStatus): void {
  for (const boost of removed.boosts) announceRemovedStatus(ctx, boost);
  ctx.events.emit({
    type: "status.deleted",
    statusId: removed.status.id,
    homeAccountIds: removed.homeAccountIds,
    public: removed.status.visibility === "public" && removed.status.reblog_of_id === null,
    local: removed.local,
  });
}
