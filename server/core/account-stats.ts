import type { CoreContext } from "./context.ts";

export interface AccountStats {
  statusesCount: number;
  followersCount: number;
  followingCount: number;
  followRequestsCount: number;
  lastStatusAt: string | null;
}

/**
 * The numbers shown on a profile. The schema has no statuses or follows yet (they arrive with
 * federation), so every account truly has none; this is where those counts will be read.
 */
export async function getAccountStats(_ctx: CoreContext, _accountId: string): Promise<AccountStats> {
  return { statusesCount: 0, followersCount: 0, followingCount: 0, followRequestsCount: 0, lastStatusAt: null };
}
