import type { Recipient } from "@fedify/vocab";
import type { AccountRow } from "../core/rows.ts";

/** A remote account as Fedify delivers to it: its id, inbox and shared inbox. Null for local accounts. */
export function remoteRecipient(account: AccountRow): Recipient | null {
  if (account.domain === null || account.uri === null || account.inbox_url === null) return null;
  return {
    id: new URL(account.uri),
    inboxId: new URL(account.inbox_url),
    endpoints: account.shared_inbox_url ? { sharedInbox: new URL(account.shared_inbox_url) } : null,
  };
}

/** Remote recipients, each once (by actor id), local accounts left out: they read our database directly. */
export function remoteRecipients(accounts: Iterable<AccountRow | null | undefined>): Recipient[] {
  const byId = new Map<string, Recipient>();
  for (const account of accounts) {
    const recipient = account ? remoteRecipient(account) : null;
    if (recipient?.id) byId.set(recipient.id.href, recipient);
  }
  return [...byId.values()];
}
