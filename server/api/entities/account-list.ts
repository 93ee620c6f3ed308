import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import type { CoreContext } from "../../core/context.ts";
import { getAccountsByIds } from "../../core/statuses/status-bundle.ts";
import { toAccount, type MastodonAccount } from "./account.ts";
import type { AccountRow } from "../../core/rows.ts";
import { loadAccountStatsMany } from "../../core/accounts/account-stats.ts";

/** Account entities for a page of rows, with their counts read in a few grouped queries, in the rows' order. */
export async function renderAccounts(core: CoreContext, rows: readonly AccountRow[], origin: string): Promise<MastodonAccount[]> {
  const [stats, emojis] = await Promise.all([
    loadAccountStatsMany(
      core,
      rows.map((row) => row.id),
    ),
    loadAccountEmojis(core, rows),
  ]);
  return rows.map((row) => {
    const counts = stats.get(row.id);
    if (!counts) throw new Error(`No counts were loaded for account ${row.id}.`);
    return toAccount(row, counts, origin, emojis.get(row.id) ?? []);
  });
}

/** The accounts with these ids that exist, rendered, in the order given (conversation participants). */
export async function renderAccountsByIds(core: CoreContext, ids: readonly string[], origin: string): Promise<MastodonAccount[]> {
  const rows = await getAccountsByIds(core, [...new Set(ids)]);
  return renderAccounts(core, ids.flatMap((id) => rows.get(id) ?? []), origin);
}

export async function renderAccount(core: CoreContext, row: AccountRow, origin: string): Promise<MastodonAccount> {
  const [account] = await renderAccounts(core, [row], origin);
  if (!account) throw new Error(`Account ${row.id} could not be rendered.`);
  return account;
}
