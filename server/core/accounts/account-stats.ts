import { loadAccountStatsMany } from "./account-stats-many.ts";
import type { CoreContext } from "../context.ts";

export interface AccountStats {
  statusesCount: number;
  followersCount: number;
  followingCount: number;
  followRequestsCount: number;
  lastStatusAt: string | null;
}

/** The numbers shown on a profile, as this instance knows them (see loadAccountStatsMany for many at once). */
export async function getAccountStats(ctx: CoreContext, accountId: string): Promise<AccountStats> {
  const stats = (await loadAccountStatsMany(ctx, [accountId])).get(accountId);
  if (!stats) throw new Error(`No numbers were loaded for account ${accountId}.`);
  return stats;
}
