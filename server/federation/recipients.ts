import type { Recipient } from "@fedify/vocab";
import type { AccountRow } from "../core/rows.ts";

/** What a delivery needs of an account: whether it is remote, its id, inbox and shared inbox. */
export type DeliveryAddress = Pick<AccountRow, "domain" | "uri" | "inbox_url" | "shared_inbox_url">;

/** A remote account as Fedify delivers to it: its id, inbox and shared inbox. Null for local accounts. */
export function remoteRecipient(account: DeliveryAddress, sharedInboxes = new Map<string, URL>()): Recipient | null {
  if (account.domain === null || account.uri === null || account.inbox_url === null) return null;
  let sharedInbox: URL | undefined;
  if (account.shared_inbox_url) {
    sharedInbox = sharedInboxes.get(account.shared_inbox_url);
    if (!sharedInbox) sharedInboxes.set(account.shared_inbox_url, (sharedInbox = new URL(account.shared_inbox_url)));
  }
  return {
    id: new URL(account.uri),
    inboxId: new URL(account.inbox_url),
    endpoints: sharedInbox ? { sharedInbox } : null,
  };
}

/**
 * Remote recipients, each once (by actor id), local accounts left out: they read our database directly. A
 * post's followers share a few servers' inboxes, each parsed once (a URL is never changed by Fedify): 10,000
 * followers on 1,000 servers took 30,000 URL parses a post, the largest part of building its audience.
 */
export function remoteRecipients(accounts: Iterable<DeliveryAddress | null | undefined>): Recipient[] {
  const byId = new Map<string, Recipient>();
  const sharedInboxes = new Map<string, URL>();
  for (const account of accounts) {
    if (!account || account.uri === null || byId.has(account.uri)) continue;
    const recipient = remoteRecipient(account, sharedInboxes);
    if (recipient?.id) byId.set(recipient.id.href, recipient);
  }
  return [...byId.values()];
}
