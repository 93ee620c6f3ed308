import type { Selectable } from "kysely";
import { accountRowCacheOf } from "../../db/page-read-caches.ts";
import { sameRow } from "../../db/same-row.ts";
import { queryByIds } from "../../db/queries-by-ids.ts";
import type { AccountStatsTable } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { idToDate } from "../ids.ts";
import type { AccountRow } from "../rows.ts";

/**
 * The profile numbers of many accounts at once (the authors on a timeline page), one primary-key lookup
 * each: account_stats, which triggers keep exact as statuses and follows change (db/migrations/0006-account-stats.ts).
 * Statuses are counted but direct ones (as on Mastodon), with followers, following, follow requests and the
 * day of the newest status. An account with none of these has no row: all zero.
 */

type StatsRow = Selectable<AccountStatsTable>;

export interface AccountStats {
  statusesCount: number;
  followersCount: number;
  followingCount: number;
  followRequestsCount: number;
  lastStatusAt: string | null;
}

export function noAccountStats(): AccountStats {
  return { statusesCount: 0, followersCount: 0, followingCount: 0, followRequestsCount: 0, lastStatusAt: null };
}

function statsOf(row: Omit<StatsRow, "account_id">): AccountStats {
  return {
    statusesCount: row.statuses_count,
    followersCount: row.followers_count,
    followingCount: row.following_count,
    followRequestsCount: row.follow_requests_count,
    // ids are made from the time a status was written.
    lastStatusAt: row.last_status_id === null ? null : (idToDate(row.last_status_id)?.toISOString() ?? null),
  };
}

export async function loadAccountStatsMany(ctx: CoreContext, accountIds: readonly string[]): Promise<Map<string, AccountStats>> {
  const stats = new Map<string, AccountStats>(accountIds.map((id) => [id, noAccountStats()]));
  if (accountIds.length === 0) return stats;
  const rows = await ctx.db.selectFrom("account_stats").selectAll().where("account_id", "in", [...new Set(accountIds)]).execute();
  for (const row of rows) stats.set(row.account_id, statsOf(row));
  return stats;
}

/**
 * The columns of an account that Mastodon's Account entity shows (api/entities/account.ts, with its pictures'
 * addresses and its emoji) and a status's mentions name. A page reads these of forty to eighty accounts: the
 * other columns (inboxes, keys, collections, moderation dates) would be read and turned into properties
 * for nothing.
 */
export const ACCOUNT_ENTITY_COLUMNS = [
  "id",
  "username",
  "domain",
  "display_name",
  "note",
  "fields_json",
  "is_locked",
  "is_bot",
  "is_discoverable",
  "is_indexable",
  "avatar_file",
  "header_file",
  "avatar_remote_url",
  "header_remote_url",
  "uri",
  "url",
  "created_at",
  "suspended_at",
  "silenced_at",
  // A moderator's "sensitive" marks the account's media sensitive (api/entities/status.ts).
  "sensitized_at",
] as const;

export type AccountEntityRow = Pick<AccountRow, (typeof ACCOUNT_ENTITY_COLUMNS)[number]>;

const ACCOUNT_ENTITY_SELECTION = ACCOUNT_ENTITY_COLUMNS.map((column) => `accounts.${column}` as const);

const accountsWithStatsByIds = queryByIds((db, ids) =>
  db
    .selectFrom("accounts")
    .leftJoin("account_stats", "account_stats.account_id", "accounts.id")
    .select(ACCOUNT_ENTITY_SELECTION)
    .select([
      "account_stats.statuses_count",
      "account_stats.last_status_id",
      "account_stats.followers_count",
      "account_stats.following_count",
      "account_stats.follow_requests_count",
    ])
    .where("accounts.id", "in", ids),
);

export interface AccountsWithStats {
  accounts: Map<string, AccountEntityRow>;
  /** For every account found. */
  stats: Map<string, AccountStats>;
}

type AccountWithStatsRow = Awaited<ReturnType<typeof accountsWithStatsByIds>>[number];

/** An account as a page reads it: its row (with the stats columns beside) and its numbers. */
interface CachedAccount {
  row: AccountWithStatsRow;
  stats: AccountStats;
}

function cachedAccountOf(row: AccountWithStatsRow): CachedAccount {
  return {
    // The row keeps the stats columns beside the account's: copying twenty columns out would cost more than
    // the join saves, and nothing reads an account row by enumerating it.
    row,
    stats:
      row.statuses_count === null
        ? noAccountStats()
        : statsOf({
            statuses_count: row.statuses_count,
            last_status_id: row.last_status_id,
            followers_count: row.followers_count ?? 0,
            following_count: row.following_count ?? 0,
            follow_requests_count: row.follow_requests_count ?? 0,
          }),
  };
}

/**
 * Accounts by id with their numbers, in one query (a page's authors, a notification's senders) for those the
 * account cache (db/page-read-caches.ts) does not hold. The cache is exact: it forgets an account whenever
 * its row or its numbers change. `pageMark`: markPageReadCaches's answer when a page reads several caches.
 */
export async function loadAccountsWithStats(ctx: CoreContext, accountIds: readonly string[], pageMark?: number): Promise<AccountsWithStats> {
  const accounts = new Map<string, AccountEntityRow>();
  const stats = new Map<string, AccountStats>();
  if (accountIds.length === 0) return { accounts, stats };
  const cache = accountRowCacheOf<CachedAccount>(ctx.db);
  const since = pageMark ?? cache?.mark() ?? 0;
  // In id order, as the query by ids returned them before some came from the cache. Sorted, then each id once,
  // and the cached accounts kept beside them: a page's forty went through a Set, a Map of those found and a
  // sorted copy of its keys, 6% of a fresh page's allocations (issue #19).
  const ids = [...accountIds].sort();
  const cached: (CachedAccount | undefined)[] = [];
  const missing: string[] = [];
  let unique = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (unique > 0 && id === ids[unique - 1]) continue;
    ids[unique++] = id;
    const account = cache?.get(id);
    cached.push(account);
    if (account === undefined) missing.push(id);
  }
  ids.length = unique;
  const read = new Map<string, CachedAccount>();
  if (missing.length > 0) {
    for (const row of await accountsWithStatsByIds(ctx.db, missing)) {
      // Read again after another connection's commit emptied the cache, and the same: the former objects, so
      // that the account's JSON and shortcodes kept by them (account-json.ts, account-emojis.ts) are not made
      // again for forty authors a page (issue #19).
      const former = cache?.former(row.id);
      const account = former !== undefined && sameRow(former.row, row) ? former : cachedAccountOf(row);
      read.set(row.id, account);
      cache?.keep(since, row.id, account);
    }
  }
  for (let i = 0; i < ids.length; i++) {
    const account = cached[i] ?? read.get(ids[i]!);
    if (account === undefined) continue;
    accounts.set(ids[i]!, account.row);
    stats.set(ids[i]!, account.stats);
  }
  return { accounts, stats };
}

/** The numbers shown on a profile, as this instance knows them (see loadAccountStatsMany for many at once). */
export async function getAccountStats(ctx: CoreContext, accountId: string): Promise<AccountStats> {
  const stats = (await loadAccountStatsMany(ctx, [accountId])).get(accountId);
  if (!stats) throw new Error(`No numbers were loaded for account ${accountId}.`);
  return stats;
}
