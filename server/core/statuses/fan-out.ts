import type { Kysely } from "kysely";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { emitNotificationsCreated, insertNotification, type NewNotification } from "../notifications/notifications.ts";
import type { AccountConversationRow, AccountRow, NotificationRow, StatusRow } from "../rows.ts";
import { continueConversations } from "../timelines/conversations.ts";
import { write, type AfterCommit } from "../write.ts";
import { loadFanOutSubject, type FanOutSubject } from "./fan-out-subject.ts";
import type { RemovedStatus } from "./status-removal.ts";

/**
 * What follows a stored status, for local posts and remote arrivals alike: the home feeds it enters
 * (Mastodon's FanOutOnWriteService and FeedManager's filters), the notifications it causes, the direct
 * conversations it continues, and the events that tell the streams (emitted through the write's AfterCommit).
 * Every write here is idempotent, so delivering a status twice (a redelivered activity, a catch-up) changes
 * nothing the second time.
 */

type Db = Kysely<DatabaseSchema>;

/** Where a fanned-out status went. */
export interface StatusDelivery {
  homeAccountIds: string[];
  listIds: string[];
  notifications: NotificationRow[];
  conversations: AccountConversationRow[];
}

export interface FanOutOptions {
  /** Store in feeds without notifying (Mastodon's skip_notifications: imports, old posts found later). */
  skipNotifications?: boolean;
}

const isLocal = (account: { domain: string | null }) => account.domain === null;

// The fan-out's queries are compiled once (db/compiled-queries.ts): building them with kysely cost more than
// SQLite's work for them at every status stored (issue #19).
/**
 * An account's local followers: all of them, those whose follow shows its boosts (a follow made with
 * reblogs=false keeps them out of the follower's home), or those who asked to be notified of its posts.
 */
const localFollowers = compiledQuery((db, { accountId }: { accountId: string }, only: "all" | "showing-boosts" | "notified") => {
  const followers = db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("follows.account_id")
    .where("follows.target_account_id", "=", accountId)
    .where("follows.state", "=", "accepted")
    .where("accounts.domain", "is", null);
  if (only === "showing-boosts") return followers.where("follows.show_reblogs", "=", 1);
  if (only === "notified") return followers.where("follows.notify", "=", 1);
  return followers;
});
const blockingAny = compiledQuery((db, { others, involvedIds }: { others: readonly string[]; involvedIds: readonly string[] }) =>
  db.selectFrom("blocks").select("account_id as id").where("account_id", "in", others).where("target_account_id", "in", involvedIds),
);
const blockedByAny = compiledQuery((db, { others, blockers }: { others: readonly string[]; blockers: readonly string[] }) =>
  db.selectFrom("blocks").select("target_account_id as id").where("target_account_id", "in", others).where("account_id", "in", blockers),
);
const mutingAny = compiledQuery((db, { others, involvedIds, now }: { others: readonly string[]; involvedIds: readonly string[]; now: string }) =>
  db
    .selectFrom("mutes")
    .select("account_id as id")
    .where("account_id", "in", others)
    .where("target_account_id", "in", involvedIds)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)])),
);
const blockingDomains = compiledQuery((db, { others, domains }: { others: readonly string[]; domains: readonly string[] }) =>
  db.selectFrom("account_domain_blocks").select("account_id as id").where("account_id", "in", others).where("domain", "in", domains),
);
const keepingInExclusiveList = compiledQuery((db, { others, authorId }: { others: readonly string[]; authorId: string }) =>
  db
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .select("lists.account_id")
    .where("lists.account_id", "in", others)
    .where("lists.exclusive", "=", 1)
    .where("list_accounts.account_id", "=", authorId),
);
const listsHolding = compiledQuery((db, { authorId }: { authorId: string }) =>
  db
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .innerJoin("follows", (join) => join.onRef("follows.account_id", "=", "lists.account_id").onRef("follows.target_account_id", "=", "list_accounts.account_id"))
    .select(["lists.id", "lists.account_id", "lists.replies_policy"])
    .where("list_accounts.account_id", "=", authorId)
    .where("follows.state", "=", "accepted"),
);
const insertHomeFeedRows = compiledQuery((db, { statusId, accountIds }: { statusId: string; accountIds: readonly string[] }) =>
  db
    .insertInto("home_feed")
    .values(accountIds.map((accountId) => ({ account_id: accountId, status_id: statusId })))
    .onConflict((oc) => oc.doNothing()),
);

/** Local accounts that would see the status in their home feed before any filter. */
async function homeCandidates(trx: Db, subject: FanOutSubject): Promise<Set<string>> {
  const { status, author } = subject;
  const candidates = new Set<string>();
  if (isLocal(author)) candidates.add(author.id);
  if (status.visibility !== "direct") {
    const followers = await localFollowers(trx, { accountId: author.id }, status.reblog_of_id ? "showing-boosts" : "all");
    for (const row of followers) candidates.add(row.account_id);
  }
  if (status.visibility === "private" || status.visibility === "direct") {
    for (const account of subject.mentioned) if (isLocal(account)) candidates.add(account.id);
  }
  // Followed hashtags bring public statuses into home, as on Mastodon.
  if (status.visibility === "public" && !status.reblog_of_id && subject.tagIds.length > 0) {
    const tagFollowers = await trx
      .selectFrom("tag_follows")
      .select("account_id")
      .where("tag_id", "in", subject.tagIds)
      .execute();
    for (const row of tagFollowers) candidates.add(row.account_id);
  }
  return candidates;
}

/** The accounts a status involves: who wrote it, whom it boosts and whom it mentions. */
function involvedAccounts(subject: FanOutSubject): AccountRow[] {
  return subject.original ? [subject.author, subject.original.author, ...subject.mentioned] : [subject.author, ...subject.mentioned];
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
async function judgeHome(trx: Db, subject: FanOutSubject, candidates: Set<string>, now: string): Promise<HomeJudgement> {
  const { status, author } = subject;
  const others = [...candidates].filter((id) => id !== author.id);
  // A boost of something already in the booster's own home is not shown twice there either, as Mastodon keeps it.
  const isAuthorCandidate = candidates.has(author.id) && !(status.reblog_of_id && (await hasBoostedStatusInHome(trx, author.id, status)));
  if (others.length === 0) return { home: isAuthorCandidate ? [author.id] : [], listEligible: new Set(), followsRepliedTo: new Set() };
  const involved = involvedAccounts(subject);
  const involvedIds = [...new Set(involved.map((account) => account.id))];
  const involvedDomains = [...new Set(involved.map((account) => account.domain).filter((domain): domain is string => domain !== null))];
  const hidden = new Set<string>();
  const hide = (rows: Array<{ id: string }>) => rows.forEach((row) => hidden.add(row.id));

  hide(await blockingAny(trx, { others, involvedIds }));
  hide(await blockedByAny(trx, { others, blockers: subject.original ? [author.id, subject.original.author.id] : [author.id] }));
  hide(await mutingAny(trx, { others, involvedIds, now }));
  if (involvedDomains.length > 0) hide(await blockingDomains(trx, { others, domains: involvedDomains }));
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
  const exclusive = await keepingInExclusiveList(trx, { others, authorId: author.id });
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
  const addressed = new Set(status.visibility === "private" || status.visibility === "direct" ? subject.mentioned.map((account) => account.id) : []);
  const home = others.filter((id) => !hidden.has(id) && !inExclusiveList.has(id) && (followsRepliedTo.has(id) || addressed.has(id)));
  return {
    home: isAuthorCandidate ? [author.id, ...home] : home,
    listEligible: new Set(others.filter((id) => !hidden.has(id))),
    followsRepliedTo,
  };
}

/** Lists the status enters: lists holding its author whose owner follows the author and is not kept from it. */
async function listsFor(trx: Db, subject: FanOutSubject, judgement: HomeJudgement): Promise<string[]> {
  const { status, author } = subject;
  if (status.visibility === "direct") return [];
  const lists = await listsHolding(trx, { authorId: author.id });
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
async function notificationsFor(trx: Db, subject: FanOutSubject): Promise<NewNotification[]> {
  const { status, author } = subject;
  const wanted: NewNotification[] = [];
  if (subject.original) {
    if (isLocal(subject.original.author) && subject.original.author.id !== author.id) {
      wanted.push({ accountId: subject.original.author.id, type: "reblog", fromAccountId: author.id, statusId: subject.original.status.id });
    }
    return wanted;
  }
  const loudIds = subject.loudMentionIds;
  for (const account of subject.mentioned) {
    if (isLocal(account) && loudIds.has(account.id)) wanted.push({ accountId: account.id, type: "mention", fromAccountId: author.id, statusId: status.id });
  }
  const isReplyToOther = status.in_reply_to_account_id !== null && status.in_reply_to_account_id !== author.id;
  if (status.visibility !== "direct" && !isReplyToOther) {
    const subscribers = await localFollowers(trx, { accountId: author.id }, "notified");
    for (const row of subscribers) {
      if (!loudIds.has(row.account_id)) wanted.push({ accountId: row.account_id, type: "status", fromAccountId: author.id, statusId: status.id });
    }
  }
  return wanted;
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
  await insertHomeFeedRows(trx, { statusId, accountIds });
}

async function tagNames(trx: Db, tagIds: readonly string[]): Promise<string[]> {
  if (tagIds.length === 0) return [];
  const rows = await trx.selectFrom("tags").select("name").where("id", "in", tagIds).execute();
  return rows.map((row) => row.name);
}

/** What fanOutStatus wrote, told by emitStatusCreated once the transaction has committed. */
interface StatusFanOut {
  subject: FanOutSubject;
  delivery: StatusDelivery;
  tags: string[];
}

/**
 * Fans a status out inside the transaction that stored it: home feeds, lists, notifications, direct
 * conversations. One transaction for both means a crash never leaves a stored status that reached no feed,
 * and an arrival costs one commit. Serves local posts and remote arrivals (the caller publishes to peers,
 * for local acts only). Undefined when the status is gone.
 */
export async function fanOutStatus(
  ctx: CoreContext,
  trx: Db,
  after: AfterCommit,
  statusId: string,
  options: FanOutOptions = {},
  stored?: { status: StatusRow; author: AccountRow },
): Promise<StatusDelivery | undefined> {
  const subject = await loadFanOutSubject(trx, statusId, stored);
  if (!subject) return undefined;
  const now = ctx.clock.now().toISOString();
  const judgement = await judgeHome(trx, subject, await homeCandidates(trx, subject), now);
  const homeAccountIds = judgement.home;
  await insertHomeRows(trx, subject.status.id, homeAccountIds);
  const listIds = await listsFor(trx, subject, judgement);
  const notifications: NotificationRow[] = [];
  if (!options.skipNotifications) {
    for (const wanted of await notificationsFor(trx, subject)) {
      const row = await insertNotification(ctx, trx, wanted);
      if (row) notifications.push(row);
    }
  }
  const conversations = await continueConversations(ctx, trx, subject);
  const delivery = { homeAccountIds, listIds, notifications, conversations };
  emitStatusCreated(after, { subject, delivery, tags: await tagNames(trx, subject.tagIds) });
  return delivery;
}

/** Fans out a status stored by an earlier write, in a write of its own. */
export function fanOutStoredStatus(ctx: CoreContext, statusId: string, options: FanOutOptions = {}): Promise<StatusDelivery | undefined> {
  return write(ctx, (trx, after) => fanOutStatus(ctx, trx, after, statusId, options));
}

/** The events of a fan-out, told once the transaction has committed. */
function emitStatusCreated(after: AfterCommit, fanOut: StatusFanOut): void {
  const { subject, delivery, tags } = fanOut;
  const isBoost = subject.status.reblog_of_id !== null;
  after.emit({
    type: "status.created",
    statusId: subject.status.id,
    homeAccountIds: delivery.homeAccountIds,
    listIds: delivery.listIds,
    // Public streams carry public statuses but not boosts, as Mastodon's do.
    public: subject.status.visibility === "public" && !isBoost,
    local: isLocal(subject.author),
    tags: isBoost ? [] : tags,
    directAccountIds: delivery.conversations.map((row) => row.account_id),
  });
  emitNotificationsCreated(after, delivery.notifications);
  for (const row of delivery.conversations) {
    after.emit({ type: "conversation.updated", accountConversationId: row.id, accountId: row.account_id });
  }
}

/**
 * After an edit, in its transaction: accounts newly addressed get it in their feed and newly mentioned ones a
 * mention; local accounts that boosted (or quoted) it hear of the edit ("update"); the streams get
 * status.updated once it has committed.
 */
export async function fanOutStatusUpdate(ctx: CoreContext, trx: Db, after: AfterCommit, statusId: string): Promise<NotificationRow[]> {
  const subject = await loadFanOutSubject(trx, statusId);
  if (!subject) return [];
  const now = ctx.clock.now().toISOString();
  await insertHomeRows(trx, subject.status.id, (await judgeHome(trx, subject, await homeCandidates(trx, subject), now)).home);
  const notifications: NotificationRow[] = [];
  const wanted = (await notificationsFor(trx, subject)).filter((notification) => notification.type === "mention");
  const interested = await trx
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select("statuses.account_id")
    .where((eb) => eb.or([eb("statuses.reblog_of_id", "=", statusId), eb("statuses.quote_of_id", "=", statusId)]))
    .where("accounts.domain", "is", null)
    .execute();
  for (const row of new Set(interested.map((r) => r.account_id))) {
    wanted.push({ accountId: row, type: "update", fromAccountId: subject.author.id, statusId });
  }
  for (const notification of wanted) {
    const row = await insertNotification(ctx, trx, notification);
    if (row) notifications.push(row);
  }
  const home = await trx.selectFrom("home_feed").select("account_id").where("status_id", "=", statusId).execute();
  after.emit({
    type: "status.updated",
    statusId,
    homeAccountIds: home.map((row) => row.account_id),
    public: subject.status.visibility === "public",
    local: isLocal(subject.author),
  });
  emitNotificationsCreated(after, notifications);
  return notifications;
}

/** A removal's events, told once its transaction has committed: the streams drop the status and its boosts. */
export function emitStatusRemoved(after: AfterCommit, removed: RemovedStatus): void {
  for (const boost of removed.boosts) emitStatusRemoved(after, boost);
  after.emit({
    type: "status.deleted",
    statusId: removed.status.id,
    homeAccountIds: removed.homeAccountIds,
    public: removed.status.visibility === "public" && removed.status.reblog_of_id === null,
    local: removed.local,
  });
}
