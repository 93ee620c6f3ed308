import type { AccountStats } from "./account-stats.ts";
import type { CoreContext } from "./context.ts";
import { idToDate } from "./ids.ts";

/**
 * The profile numbers of many accounts at once (the authors on a timeline page), in four grouped queries
 * rather than five per account. The same numbers getAccountStats gives one account: statuses (direct ones
 * are not counted, as on Mastodon), followers, following, follow requests and the day of the last status.
 */
export async function loadAccountStatsMany(ctx: CoreContext, accountIds: readonly string[]): Promise<Map<string, AccountStats>> {
  const stats = new Map<string, AccountStats>(
    accountIds.map((id) => [id, { statusesCount: 0, followersCount: 0, followingCount: 0, followRequestsCount: 0, lastStatusAt: null }]),
  );
  if (accountIds.length === 0) return stats;
  const ids = [...accountIds];
  const db = ctx.db;
  const [statuses, followers, following, requests] = await Promise.all([
    db
      .selectFrom("statuses")
      // max(id), not max(created_at): ids are made from the time a status was written, and the index has them.
      .select(["account_id as id", (eb) => eb.fn.countAll<number>().as("count"), (eb) => eb.fn.max("id").as("last")])
      .where("account_id", "in", ids)
      .where("visibility", "!=", "direct")
      .groupBy("account_id")
      .execute(),
    db
      .selectFrom("follows")
      .select(["target_account_id as id", (eb) => eb.fn.countAll<number>().as("count")])
      .where("target_account_id", "in", ids)
      .where("state", "=", "accepted")
      .groupBy("target_account_id")
      .execute(),
    db
      .selectFrom("follows")
      .select(["account_id as id", (eb) => eb.fn.countAll<number>().as("count")])
      .where("account_id", "in", ids)
      .where("state", "=", "accepted")
      .groupBy("account_id")
      .execute(),
    db
      .selectFrom("follows")
      .select(["target_account_id as id", (eb) => eb.fn.countAll<number>().as("count")])
      .where("target_account_id", "in", ids)
      .where("state", "=", "pending")
      .groupBy("target_account_id")
      .execute(),
  ]);
  for (const row of statuses) {
    const entry = stats.get(row.id);
    if (entry) {
      entry.statusesCount = Number(row.count);
      entry.lastStatusAt = idToDate(row.last)?.toISOString() ?? null;
    }
  }
  for (const row of followers) {
    const entry = stats.get(row.id);
    if (entry) entry.followersCount = Number(row.count);
  }
  for (const row of following) {
    const entry = stats.get(row.id);
    if (entry) entry.followingCount = Number(row.count);
  }
  for (const row of requests) {
    const entry = stats.get(row.id);
    if (entry) entry.followRequestsCount = Number(row.count);
  }
  return stats;
}
