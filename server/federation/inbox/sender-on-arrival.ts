import type { Activity } from "@fedify/vocab";
import { findAccountByUri } from "../../core/accounts/remote-accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import type { AccountRow } from "../../core/rows.ts";

/**
 * The sender's account as the inbox read it on arrival (to refuse a suspended one), by activity: its listener
 * reads it from here rather than again. Each lookup by uri cost a Create its statement and kysely's building
 * of it, three times an activity (issue #19). Null when the sender is not stored yet. Keyed by the activity
 * object Fedify hands the listener, so an entry lives as long as the activity's handling.
 */
const sendersOnArrival = new WeakMap<Activity, AccountRow | null>();

/** Reads the sender's account for `activity` and keeps it for the activity's listener. */
export async function readSenderOnArrival(ctx: CoreContext, activity: Activity, actorId: URL): Promise<AccountRow | undefined> {
  const sender = await findAccountByUri(ctx, actorId.href);
  sendersOnArrival.set(activity, sender ?? null);
  return sender;
}

/** The sender's account as read on arrival, or read now for an activity the inbox did not read it for. */
export async function senderOnArrival(ctx: CoreContext, activity: Activity): Promise<AccountRow | undefined> {
  const read = sendersOnArrival.get(activity);
  if (read !== undefined) return read ?? undefined;
  return activity.actorId ? findAccountByUri(ctx, activity.actorId.href) : undefined;
}
