import type { CoreContext } from "./context.ts";
import { countFollows } from "./follows.ts";

export interface AccountStats {
  statusesCount: number;
  followersCount: number;
  followingCount: number;
  followRequestsCount: number;
  lastStatusAt: string | null;
}

/**
 * The numbers shown on a profile, as this instance knows them. Statuses arrive later with their own
 * table; until then every account has none.
 */
export async function getAccountStats(ctx: CoreContext, accountId: string): Promise<AccountStats> {
  const [followersCount, followingCount, followRequestsCount] = await Promise.all([
    countFollows(ctx, accountId, "followers"),
    countFollows(ctx, accountId, "following"),
    countFollows(ctx, accountId, "requests"),
  ]);
  return { statusesCount: 0, followersCount, followingCount, followRequestsCount, lastStatusAt: null };
}
