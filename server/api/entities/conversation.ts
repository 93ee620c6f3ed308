import type { MastodonAccount } from "./account.ts";
import type { MastodonStatus } from "./status.ts";
import type { AccountConversationRow } from "../../core/rows.ts";

/** Mastodon's Conversation entity: the other participants and the latest status the account may see. */
export interface MastodonConversation {
  id: string;
  unread: boolean;
  accounts: MastodonAccount[];
  last_status: MastodonStatus | null;
}

export function toConversation(row: AccountConversationRow, accounts: MastodonAccount[], lastStatus: MastodonStatus | null): MastodonConversation {
  return { id: row.id, unread: row.unread === 1, accounts, last_status: lastStatus };
}
