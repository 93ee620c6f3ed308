import type { CoreContext } from "../context.ts";
import type { AccountRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * What catching up after being away needs to know: when the instance was last reachable by its peers,
 * whose outboxes to read (remote accounts local ones follow), and which replies to local statuses we
 * already have (their own replies collections may hold what was sent while we were away).
 */

const LAST_REACHABLE_KEY = "catch_up.last_reachable_at";

/** When the instance was last known to be awake and reachable by peers; null before the first record. */
export async function readLastReachableAt(ctx: CoreContext): Promise<Date | null> {
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", LAST_REACHABLE_KEY).executeTakeFirst();
  if (!row) return null;
  const at = new Date(row.value);
  return Number.isNaN(at.getTime()) ? null : at;
}

export async function recordReachableAt(ctx: CoreContext, at: Date): Promise<void> {
  const value = at.toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("instance_settings")
      .values({ key: LAST_REACHABLE_KEY, value, updated_at: value })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: value }))
      .execute(),
  );
}

export interface FollowedRemoteAccount {
  account: AccountRow;
  /** A local account that follows it: catch-up signs its fetches as this account, so followers-only posts may come. */
  followerUsername: string;
}

/** Remote accounts that at least one local account follows (accepted), each once, with an outbox to read. */
export async function listFollowedRemoteAccounts(ctx: CoreContext): Promise<FollowedRemoteAccount[]> {
  const rows = await ctx.db
    .selectFrom("follows")
    .innerJoin("accounts as target", "target.id", "follows.target_account_id")
    .innerJoin("accounts as follower", "follower.id", "follows.account_id")
    .selectAll("target")
    .select("follower.username as follower_username")
    .where("follows.state", "=", "accepted")
    .where("follower.domain", "is", null)
    .where("target.domain", "is not", null)
    .where("target.outbox_url", "is not", null)
    .orderBy("target.id")
    .orderBy("follows.id")
    .execute();
  const byId = new Map<string, FollowedRemoteAccount>();
  for (const { follower_username, ...account } of rows) {
    if (!byId.has(account.id)) byId.set(account.id, { account, followerUsername: follower_username });
  }
  return [...byId.values()];
}

export interface KnownRemoteReply {
  /** The remote reply's ActivityPub id. */
  uri: string;
  /** The local author of the status it answers (or of the thread it is in): catch-up signs as them. */
  localUsername: string;
}

/**
 * Remote replies we have to local statuses published since `since`, newest statuses first, at most
 * `limitStatuses` statuses and `limitPerStatus` replies each. Their replies collections are where answers
 * sent while we were away can still be found.
 */
export async function listKnownRemoteRepliesToLocalStatuses(
  ctx: CoreContext,
  since: Date,
  { limitStatuses, limitPerStatus }: { limitStatuses: number; limitPerStatus: number },
): Promise<KnownRemoteReply[]> {
  const roots = await ctx.db
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["statuses.id", "accounts.username"])
    .where("statuses.local", "=", 1)
    .where("statuses.reblog_of_id", "is", null)
    .where("statuses.created_at", ">=", since.toISOString())
    .orderBy("statuses.id", "desc")
    .limit(limitStatuses)
    .execute();
  const replies: KnownRemoteReply[] = [];
  for (const root of roots) {
    const rows = await ctx.db
      .selectFrom("statuses")
      .select("uri")
      .where("in_reply_to_id", "=", root.id)
      .where("local", "=", 0)
      .where("uri", "is not", null)
      .orderBy("id", "desc")
      .limit(limitPerStatus)
      .execute();
    for (const row of rows) if (row.uri) replies.push({ uri: row.uri, localUsername: root.username });
  }
  return replies;
}
