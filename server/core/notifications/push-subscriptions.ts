import type { CoreContext } from "../context.ts";
import { canViewStatus } from "../visibility/status-visibility.ts";
import type { AccountRow, PushSubscriptionRow } from "../rows.ts";
import { write } from "../write.ts";

export type PushPolicy = PushSubscriptionRow["policy"];

/** The notification types an app may ask to be pushed (Mastodon's data[alerts] keys). */
export const PUSH_ALERT_TYPES = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "admin.sign_up",
  "admin.report",
] as const;
export type PushAlertType = (typeof PUSH_ALERT_TYPES)[number];
/** Only the alerts the app named, as Mastodon keeps them; a type not named is not pushed. */
export type PushAlerts = Partial<Record<PushAlertType, boolean>>;

export const PUSH_POLICIES: readonly PushPolicy[] = ["all", "followed", "follower", "none"];

export interface NewPushSubscription {
  accessTokenId: string;
  /** The token in clear, for the payload (see the push_subscriptions table). */
  accessToken: string;
  accountId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  standard: boolean;
  alerts: PushAlerts;
  policy: PushPolicy;
}

export function pushAlertsOf(row: PushSubscriptionRow): PushAlerts {
  return JSON.parse(row.alerts_json) as PushAlerts;
}

/** One subscription per access token: a new one replaces the old, in one transaction. */
export async function createPushSubscription(ctx: CoreContext, input: NewPushSubscription): Promise<PushSubscriptionRow> {
  const now = ctx.clock.now().toISOString();
  return write(ctx, async (trx) => {
    await trx.deleteFrom("push_subscriptions").where("access_token_id", "=", input.accessTokenId).execute();
    return trx
      .insertInto("push_subscriptions")
      .values({
        id: ctx.ids.next(),
        access_token_id: input.accessTokenId,
        access_token: input.accessToken,
        account_id: input.accountId,
        endpoint: input.endpoint,
        p256dh: input.p256dh,
        auth: input.auth,
        standard: input.standard ? 1 : 0,
        alerts_json: JSON.stringify(input.alerts),
        policy: input.policy,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function findPushSubscription(ctx: CoreContext, accessTokenId: string): Promise<PushSubscriptionRow | undefined> {
  return ctx.db.selectFrom("push_subscriptions").selectAll().where("access_token_id", "=", accessTokenId).executeTakeFirst();
}

/** Changes what is pushed; the endpoint and keys stay (a new endpoint is a new subscription). */
export async function updatePushSubscription(
  ctx: CoreContext,
  accessTokenId: string,
  change: { alerts: PushAlerts; policy: PushPolicy },
): Promise<PushSubscriptionRow | undefined> {
  return write(ctx, (trx) =>
    trx
      .updateTable("push_subscriptions")
      .set({ alerts_json: JSON.stringify(change.alerts), policy: change.policy, updated_at: ctx.clock.now().toISOString() })
      .where("access_token_id", "=", accessTokenId)
      .returningAll()
      .executeTakeFirst(),
  );
}

export async function deletePushSubscription(ctx: CoreContext, accessTokenId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("push_subscriptions").where("access_token_id", "=", accessTokenId).execute());
}

/** The push service said the subscription is gone (404, 410), or its token was revoked. */
export async function deletePushSubscriptionById(ctx: CoreContext, id: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("push_subscriptions").where("id", "=", id).execute());
}

/**
 * The account's subscriptions whose token still works. Those of revoked tokens are removed on the way, as
 * Mastodon removes them when the token is revoked: the app that made them has signed out.
 */
export async function listLivePushSubscriptions(ctx: CoreContext, accountId: string): Promise<PushSubscriptionRow[]> {
  const rows = await ctx.db
    .selectFrom("push_subscriptions")
    .innerJoin("oauth_access_tokens", "oauth_access_tokens.id", "push_subscriptions.access_token_id")
    .selectAll("push_subscriptions")
    .select("oauth_access_tokens.revoked_at")
    .where("push_subscriptions.account_id", "=", accountId)
    .execute();
  const revoked = rows.filter((row) => row.revoked_at !== null).map((row) => row.id);
  if (revoked.length > 0) await write(ctx, (trx) => trx.deleteFrom("push_subscriptions").where("id", "in", revoked).execute());
  return rows.filter((row) => row.revoked_at === null).map(({ revoked_at: _revoked, ...row }) => row);
}

/** Whether the subscription's policy lets a notification from `fromAccountId` through (Mastodon's pushable?). */
export async function policyAllows(ctx: CoreContext, policy: PushPolicy, accountId: string, fromAccountId: string): Promise<boolean> {
  switch (policy) {
    case "all":
      return true;
    case "none":
      return false;
    case "followed":
      return isFollowing(ctx, accountId, fromAccountId);
    case "follower":
      return isFollowing(ctx, fromAccountId, accountId);
  }
}

async function isFollowing(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetAccountId)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  return row !== undefined;
}

/** What a push message says about a notification: its type, who caused it, and the status it is about. */
export interface PushNotificationFacts {
  id: string;
  type: string;
  accountId: string;
  from: AccountRow;
  status: { spoilerText: string; content: string } | null;
}

/**
 * Undefined when there is nothing to push: the notification or its sender is gone, or its status is one the
 * recipient may not see (an edit of a status whose author has since blocked them), as the API leaves it out.
 */
export async function loadPushNotificationFacts(ctx: CoreContext, notificationId: string): Promise<PushNotificationFacts | undefined> {
  const notification = await ctx.db.selectFrom("notifications").selectAll().where("id", "=", notificationId).executeTakeFirst();
  if (!notification) return undefined;
  const [from, status] = await Promise.all([
    ctx.db.selectFrom("accounts").selectAll().where("id", "=", notification.from_account_id).executeTakeFirst(),
    notification.status_id === null
      ? undefined
      : ctx.db
          .selectFrom("statuses")
          .select(["id", "account_id", "visibility", "reblog_of_id", "spoiler_text", "content"])
          .where("id", "=", notification.status_id)
          .executeTakeFirst(),
  ]);
  if (!from) return undefined;
  if (status && !(await canViewStatus(ctx.db, status, notification.account_id))) return undefined;
  return {
    id: notification.id,
    type: notification.type,
    accountId: notification.account_id,
    from,
    status: status ? { spoilerText: status.spoiler_text, content: status.content } : null,
  };
}
