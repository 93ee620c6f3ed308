import { getAccountStats } from "../../core/accounts/account-stats.ts";
import type { CoreContext } from "../../core/context.ts";
import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import type { AccountRow, LocalUserRow } from "../../core/rows.ts";
import { toCredentialAccount, type MastodonCredentialAccount } from "./account.ts";
import { renderAccounts } from "./account-list.ts";

/** The signed-in account as verify_credentials answers it, with its counts, emoji and the account it moved to. */
export async function renderCredentialAccount(core: CoreContext, account: AccountRow, user: LocalUserRow, origin: string): Promise<MastodonCredentialAccount> {
  const [stats, emojis, [rendered]] = await Promise.all([getAccountStats(core, account.id), loadAccountEmojis(core, [account]), renderAccounts(core, [account], origin)]);
  return toCredentialAccount(account, user, stats, origin, emojis.get(account.id) ?? [], rendered?.moved);
}
