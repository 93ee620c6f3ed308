import { sql, type Kysely } from "kysely";
import type { DatabaseSchema, NotificationType } from "../../db/schema.ts";
import { notificationRowsInOrder } from "../../db/cached-notification-rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import { markPageReadCaches } from "../../db/page-read-caches.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import { visibleAndNotBlocked } from "../visibility/status-visibility.ts";
import { isInstanceDomainSilenced } from "../moderation/instance-domain-blocks.ts";
import type { NotificationRow } from "../rows.ts";
import { write, type AfterCommit } from "../write.ts";

/**
 * Notifications of local accounts: created (once per recipient, type, sender and status) when someone
 * mentions, boosts, favourites, follows, ... and read back in pages, singly or grouped (v2).
 */

type Db = Kysely<DatabaseSchema>;

/** Mastodon groups these (v2) when a client does not say otherwise. */
export const DEFAULT_GROUPED_TYPES: readonly NotificationType[] = ["favourite", "reblog", "follow"];

// Mastodon's MAXIMUM_GROUP_SPAN_HOURS: a group keeps growing for this long after it started.
const GROUP_SPAN_HOURS = 12;
const HOUR_MS = 3_600_000;

export interface NewNotification {
  /** The local account notified. */
  accountId: string;
  type: NotificationType;
  fromAccountId: string;
  statusId?: string | null;
  reportId?: string | null;
}

/** Why a notification is not made: the recipient does not want to hear from the sender or of the thread. */
async function isUnwanted(trx: Db, input: NewNotification, now: string): Promise<boolean> {
  // A poll's own author hears that it ended; nobody else is notified of their own acts.
  if (input.accountId === input.fromAccountId && input.type !== "poll") return true;
  const recipient = await trx.selectFrom("accounts").select("domain").where("id", "=", input.accountId).executeTakeFirst();
  if (!recipient || recipient.domain !== null) return true;
  if (input.accountId === input.fromAccountId) return false;
  const [block, mute, domainBlock, conversationMute] = await Promise.all([
    trx
      .selectFrom("blocks")
      .select("id")
      .where("account_id", "=", input.accountId)
      .where("target_account_id", "=", input.fromAccountId)
      .executeTakeFirst(),
    trx
      .selectFrom("mutes")
      .select("id")
      .where("account_id", "=", input.accountId)
      .where("target_account_id", "=", input.fromAccountId)
      .where("hide_notifications", "=", 1)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirst(),
    // Mastodon lets a followed account through its domain's block.
    trx
      .selectFrom("account_domain_blocks")
      .innerJoin("accounts", "accounts.domain", "account_domain_blocks.domain")
      .select("account_domain_blocks.id")
      .where("account_domain_blocks.account_id", "=", input.accountId)
      .where("accounts.id", "=", input.fromAccountId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("follows")
              .select("follows.id")
              .where("follows.account_id", "=", input.accountId)
              .where("follows.target_account_id", "=", input.fromAccountId)
              .where("follows.state", "=", "accepted"),
          ),
        ),
      )
      .executeTakeFirst(),
    input.statusId
      ? trx
          .selectFrom("conversation_mutes")
          .innerJoin("statuses", "statuses.conversation_id", "conversation_mutes.conversation_id")
          .select("conversation_mutes.account_id")
          .where("conversation_mutes.account_id", "=", input.accountId)
          .where("statuses.id", "=", input.statusId)
          .executeTakeFirst()
      : undefined,
  ]);
  return block !== undefined || mute !== undefined || domainBlock !== undefined || conversationMute !== undefined || (await isLimitedStranger(trx, input));
}

/**
 * A sender on a domain the instance silences whom the recipient does not follow: Mastodon filters notifications
 * from limited accounts unless they are followed.
 */
async function isLimitedStranger(trx: Db, input: NewNotification): Promise<boolean> {
  const sender = await trx.selectFrom("accounts").select("domain").where("id", "=", input.fromAccountId).executeTakeFirst();
  if (!sender?.domain || !(await isInstanceDomainSilenced({ db: trx }, sender.domain))) return false;
  const follow = await trx
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", input.accountId)
    .where("target_account_id", "=", input.fromAccountId)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  return follow === undefined;
}

/**
 * Mastodon's group keys: favourites and boosts of one status, and follows, group by the hour they started
 * (a group grows for up to 12 hours); everything else stands alone.
 */
async function groupKeyFor(trx: Db, input: NewNotification, id: string, at: Date): Promise<string> {
  if (!["favourite", "reblog", "follow"].includes(input.type)) return `ungrouped-${id}`;
  const prefix = input.type === "follow" ? "follow" : `${input.type}-${input.statusId ?? ""}`;
  let bucket = Math.floor(at.getTime() / HOUR_MS);
  let previous = trx
    .selectFrom("notifications")
    .select("group_key")
    .where("account_id", "=", input.accountId)
    .where("type", "=", input.type)
    .orderBy("id", "desc")
    .limit(1);
  if (input.type !== "follow") previous = previous.where("status_id", "=", input.statusId ?? "");
  const last = await previous.executeTakeFirst();
  const lastBucket = last ? Number(last.group_key.slice(prefix.length + 1)) : Number.NaN;
  if (Number.isInteger(lastBucket) && bucket < lastBucket + GROUP_SPAN_HOURS) bucket = lastBucket;
  return `${prefix}-${bucket}`;
}

/**
 * Writes a notification inside the caller's transaction, unless the recipient would not want it (blocked,
 * muted or domain-blocked sender, muted conversation, their own act) or already has it: returns the new
 * row, or undefined. An "update" replaces the earlier one for the same status, so each edit notifies anew.
 * Call announceNotifications after the commit.
 */
export async function insertNotification(ctx: CoreContext, trx: Db, input: NewNotification): Promise<NotificationRow | undefined> {
  const at = ctx.clock.now();
  if (await isUnwanted(trx, input, at.toISOString())) return undefined;
  if (input.type === "update") {
    await trx
      .deleteFrom("notifications")
      .where("account_id", "=", input.accountId)
      .where("type", "=", "update")
      .where("from_account_id", "=", input.fromAccountId)
      .where("status_id", "=", input.statusId ?? "")
      .execute();
  }
  const id = ctx.ids.next(at);
  return trx
    .insertInto("notifications")
    .values({
      id,
      account_id: input.accountId,
      type: input.type,
      from_account_id: input.fromAccountId,
      status_id: input.statusId ?? null,
      report_id: input.reportId ?? null,
      group_key: await groupKeyFor(trx, input, id, at),
      created_at: at.toISOString(),
    })
    // The unique index (recipient, type, sender, status): a redelivered activity never notifies twice.
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Tells the streams and Web Push of new notifications, once the write that inserted them has committed. */
export function emitNotificationsCreated(after: AfterCommit, rows: readonly (NotificationRow | undefined)[]): void {
  for (const row of rows) if (row) after.emit({ type: "notification.created", notificationId: row.id, accountId: row.account_id });
}

/** One notification in a write of its own: for callers outside a larger write. */
export function createNotification(ctx: CoreContext, input: NewNotification): Promise<NotificationRow | undefined> {
  return write(ctx, (trx, after) => notify(ctx, trx, after, input));
}

/** A notification inserted in the caller's write, told once it commits; undefined when it already existed. */
export async function notify(ctx: CoreContext, trx: Db, after: AfterCommit, input: NewNotification): Promise<NotificationRow | undefined> {
  const row = await insertNotification(ctx, trx, input);
  emitNotificationsCreated(after, [row]);
  return row;
}

// Reading.

export interface NotificationQuery {
  /** Only these types (types[]). */
  types?: readonly string[];
  /** All but these types (exclude_types[]). */
  excludeTypes?: readonly string[];
  /** Only from this account (account_id). */
  fromAccountId?: string;
}

function filtered(db: Db, accountId: string, query: NotificationQuery) {
  let q = db.selectFrom("notifications").where("notifications.account_id", "=", accountId);
  if (query.types && query.types.length > 0) q = q.where("notifications.type", "in", query.types as NotificationType[]);
  if (query.excludeTypes && query.excludeTypes.length > 0) q = q.where("notifications.type", "not in", query.excludeTypes as NotificationType[]);
  if (query.fromAccountId) q = q.where("notifications.from_account_id", "=", query.fromAccountId);
  return q;
}

// Every notifications request asks for a page of ids: compiled once per shape of its filters and page
// (compiled-queries.ts), as building the query was about a tenth of a notifications page rendered fresh (issue #19).
const notificationPageIds = compiledQuery(
  (
    db,
    args: {
      accountId: string;
      types: readonly string[];
      excludeTypes: readonly string[];
      fromAccountId: string | null;
      maxId: string | null;
      sinceId: string | null;
      minId: string | null;
    },
    limit: number,
  ) => {
    const { accountId, types, excludeTypes, fromAccountId, maxId, sinceId, minId } = args;
    const query = filtered(db, accountId, { types, excludeTypes, fromAccountId: fromAccountId ?? undefined }).select("notifications.id");
    return pageQuery(query, "notifications.id", { maxId, sinceId, minId, limit });
  },
);

/**
 * A page of an account's notifications, newest first: the ids from the recipient's index, the rows from the
 * notification rows' cache (db/cached-notification-rows.ts), which a page mostly shares with the one before.
 */
export async function listNotifications(ctx: CoreContext, accountId: string, query: NotificationQuery, page: PageRequest): Promise<NotificationRow[]> {
  const since = markPageReadCaches(ctx.db);
  const { maxId, sinceId, minId } = page;
  const filters = { types: query.types ?? [], excludeTypes: query.excludeTypes ?? [], fromAccountId: query.fromAccountId ?? null };
  const ids = await notificationPageIds(ctx.db, { accountId, ...filters, maxId, sinceId, minId }, page.limit);
  const rows = await notificationRowsInOrder(
    ctx.db,
    ids.map((row) => row.id),
    since,
  );
  return pageRows(rows, page);
}

/** One notification of the account's; undefined for another account's or an unknown one. */
export async function getNotification(ctx: CoreContext, accountId: string, id: string): Promise<NotificationRow | undefined> {
  return ctx.db.selectFrom("notifications").selectAll().where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
}

/** Dismisses one notification; false when the account has no such notification. */
export async function dismissNotification(ctx: CoreContext, accountId: string, id: string): Promise<boolean> {
  const result = await write(ctx, (trx) => trx.deleteFrom("notifications").where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst());
  return result.numDeletedRows > 0n;
}

/** Dismisses every notification in a group (v2); false when the account has no such group. */
export async function dismissNotificationGroup(ctx: CoreContext, accountId: string, groupKey: string): Promise<boolean> {
  const result = await write(ctx, (trx) =>
    trx
      .deleteFrom("notifications")
      .where("account_id", "=", accountId)
      .where("group_key", "=", groupKey)
      .executeTakeFirst(),
  );
  return result.numDeletedRows > 0n;
}

export async function clearNotifications(ctx: CoreContext, accountId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("notifications").where("account_id", "=", accountId).execute());
}

/** Notifications newer than the account's notifications marker, counted up to `limit` (Mastodon's unread_count). */
export async function countUnreadNotifications(ctx: CoreContext, accountId: string, query: NotificationQuery, limit: number): Promise<number> {
  const marker = await ctx.db
    .selectFrom("markers")
    .select("last_read_id")
    .where("account_id", "=", accountId)
    .where("timeline", "=", "notifications")
    .executeTakeFirst();
  // The list leaves out notifications about statuses the recipient can no longer see (an edited post gone
  // private, an author who now blocks them); the count must leave out the same ones.
  let q = filtered(ctx.db, accountId, query)
    .where((eb) =>
      eb.or([
        eb("notifications.status_id", "is", null),
        eb.exists(
          eb
            .selectFrom("statuses")
            .select("statuses.id")
            .whereRef("statuses.id", "=", "notifications.status_id")
            .where((inner) => visibleAndNotBlocked(inner, accountId)),
        ),
      ]),
    )
    .select("notifications.id")
    .limit(limit);
  if (marker) q = q.where("notifications.id", ">", marker.last_read_id);
  const rows = await q.execute();
  return rows.length;
}

// Grouped (v2).

/** One group of a page: its notifications within the page's range, the newest first. */
export interface NotificationGroup {
  groupKey: string;
  /** How many notifications the group has in all. */
  notificationsCount: number;
  mostRecent: NotificationRow;
  /** Oldest and newest notification ids of this group within the page. */
  pageMinId: string;
  pageMaxId: string;
  /** Up to eight senders, the most recent first. */
  sampleAccountIds: string[];
}

export interface GroupedQuery extends NotificationQuery {
  /** Types grouped by their group key; others stand alone whatever key they were made with. */
  groupedTypes: readonly string[];
  /** Only this group (GET /api/v2/notifications/:group_key). */
  groupKey?: string;
}

const SAMPLE_ACCOUNTS = 8;

/**
 * A page of notification groups, newest group first, paged by each group's most recent notification id as
 * Mastodon's v2 API pages them.
 */
export async function listNotificationGroups(ctx: CoreContext, accountId: string, query: GroupedQuery, page: PageRequest): Promise<NotificationGroup[]> {
  const grouped = query.groupedTypes.length > 0 ? query.groupedTypes : ["-"];
  // Types the client does not want grouped get a key of their own (kysely cannot type the concatenation).
  const key = sql<string>`CASE WHEN notifications.type IN (${sql.join(grouped)}) THEN notifications.group_key ELSE 'ungrouped-' || notifications.id END`;
  let q = filtered(ctx.db, accountId, query)
    .select([key.as("key"), (eb) => eb.fn.max("notifications.id").as("max_id"), (eb) => eb.fn.min("notifications.id").as("min_id")])
    .groupBy("key");
  if (query.groupKey) q = q.where(key, "=", query.groupKey);
  if (page.maxId) q = q.where("notifications.id", "<", page.maxId);
  if (page.sinceId) q = q.where("notifications.id", ">", page.sinceId);
  if (page.minId) q = q.where("notifications.id", ">", page.minId);
  const groups = await q
    .orderBy(page.minId ? sql`min(notifications.id)` : sql`max(notifications.id)`, page.minId ? "asc" : "desc")
    .limit(page.limit)
    .execute();
  const result: NotificationGroup[] = [];
  for (const group of pageRows(groups, page)) {
    // An ungrouped key names exactly one notification.
    const isOwnKey = group.key.startsWith("ungrouped-");
    const members = isOwnKey
      ? await ctx.db.selectFrom("notifications").selectAll().where("id", "=", group.max_id).execute()
      : await ctx.db
          .selectFrom("notifications")
          .selectAll()
          .where("account_id", "=", accountId)
          .where("group_key", "=", group.key)
          .where("id", ">=", group.min_id)
          .where("id", "<=", group.max_id)
          .orderBy("id", "desc")
          .limit(SAMPLE_ACCOUNTS)
          .execute();
    const mostRecent = members[0];
    if (!mostRecent) continue;
    const count = isOwnKey
      ? 1
      : Number(
          (
            await ctx.db
              .selectFrom("notifications")
              .select((eb) => eb.fn.countAll<number>().as("count"))
              .where("account_id", "=", accountId)
              .where("group_key", "=", group.key)
              .executeTakeFirstOrThrow()
          ).count,
        );
    result.push({
      groupKey: group.key,
      notificationsCount: count,
      mostRecent,
      pageMinId: group.min_id,
      pageMaxId: group.max_id,
      sampleAccountIds: [...new Set(members.map((row) => row.from_account_id))],
    });
  }
  return result;
}

/** Senders of a group's notifications beyond its sample (GET /api/v2/notifications/:group_key/accounts). */
export async function listNotificationGroupAccountIds(ctx: CoreContext, accountId: string, groupKey: string, page: PageRequest): Promise<NotificationRow[]> {
  const rows = await pageQuery(
    ctx.db.selectFrom("notifications").selectAll().where("account_id", "=", accountId).where("group_key", "=", groupKey),
    "id",
    page,
  ).execute();
  return pageRows(rows, page);
}
