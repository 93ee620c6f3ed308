import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import type { CoreContext } from "../../core/context.ts";
import { getAccountsByIds } from "../../core/statuses/status-bundle.ts";
import { toAccount, type MastodonAccount } from "./account.ts";
import type { AccountRow } from "../../core/rows.ts";
import { loadAccountStatsMany } from "../../core/accounts/account-stats.ts";
import { loadMoveTargets } from "../../core/accounts/moves.ts";

/**
 * Account entities for a page of rows, with their counts read in a few grouped queries, in the rows' order;
 * a moved account carries the account it moved to (that one without its own, so a loop of moves ends).
 */
export async function renderAccounts(core: CoreContext, rows: readonly AccountRow[], origin: string, withMoved = true): Promise<MastodonAccount[]> {
  const movedUris = withMoved ? rows.flatMap((row) => (row.moved_to_uri ? [row.moved_to_uri] : [])) : [];
  const targets = await loadMoveTargets(core, movedUris, origin);
  const targetRows = [...targets.values()];
  const rendered = targetRows.length > 0 ? await renderAccounts(core, targetRows, origin, false) : [];
  const movedByUri = new Map([...targets.keys()].map((uri, index) => [uri, rendered[index]] as const));
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
    return toAccount(row, counts, origin, emojis.get(row.id) ?? [], row.moved_to_uri ? movedByUri.get(row.moved_to_uri) : undefined);
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
