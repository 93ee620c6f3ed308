import type { CoreContext } from "../context.ts";

export interface InstanceUsage {
  users: { total: number; activeMonth: number; activeHalfyear: number };
  localPosts: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The numbers NodeInfo publishes. A user counts as active when one of their tokens was used in the period
 * or they joined in it (Mastodon counts sign-ins; a token in use is how a Hearth owner shows up).
 */
export async function getInstanceUsage(ctx: CoreContext): Promise<InstanceUsage> {
  const now = ctx.clock.now().getTime();
  const activeSince = async (days: number): Promise<number> => {
    const since = new Date(now - days * DAY_MS).toISOString();
    const row = await ctx.db
      .selectFrom("local_users")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where((eb) =>
        eb.or([
          eb("local_users.created_at", ">=", since),
          eb.exists(
            eb
              .selectFrom("oauth_access_tokens")
              .select("oauth_access_tokens.id")
              .whereRef("oauth_access_tokens.account_id", "=", "local_users.account_id")
              .where("oauth_access_tokens.last_used_at", ">=", since),
          ),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  const total = await ctx.db.selectFrom("local_users").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  // Mastodon sums its local accounts' statuses_count (direct messages left out): account_stats keeps the same.
  const posts = await ctx.db
    .selectFrom("account_stats")
    .innerJoin("accounts", "accounts.id", "account_stats.account_id")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("account_stats.statuses_count"), eb.lit(0)).as("count"))
    .where("accounts.domain", "is", null)
    .executeTakeFirstOrThrow();
  return {
    users: { total: Number(total.count), activeMonth: await activeSince(30), activeHalfyear: await activeSince(180) },
    localPosts: Number(posts.count),
  };
}
