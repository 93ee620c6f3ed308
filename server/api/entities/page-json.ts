import type { AccountEntityRow, AccountStats } from "../../core/accounts/account-stats.ts";
import type { CoreContext } from "../../core/context.ts";
import type { CustomEmojiRow, NotificationRow, StatusRow } from "../../core/rows.ts";
import { accountJson } from "./account-json.ts";
import type { MastodonAccount } from "./account.ts";
import { notificationShapes } from "./notification.ts";
import { renderStatusPage, type StatusRenderOptions } from "./status.ts";

/**
 * A page of statuses or notifications as the JSON text JSON.stringify(toStatuses(...)) or
 * JSON.stringify(toNotifications(...)) gives, byte for byte, with each account written as JSON kept across
 * pages (account-json.ts): accounts are over half a page's bytes, and forty of them built and serialised for
 * every page cost more than the rest of the page's serialising (issue #19).
 *
 * The page is rendered with each account as a number, its slot in the page's list of account JSON, and
 * serialised once by JSON.stringify; each `,"account":N` is then replaced by the account's JSON. Only a slot can
 * match: inside a JSON string every `"` is escaped as `\"`, so a comma followed by a bare quote never occurs in
 * one, and no entity has a numeric "account" (a preview card's author has null).
 */
const ACCOUNT_SLOT = /,"account":(\d+)/g;

/** A page's accounts: each rendered as its slot, its JSON kept in `json` at that slot. */
function accountSlots() {
  const json: string[] = [];
  return {
    json,
    shapeAccount: (row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]): number =>
      json.push(accountJson(row, stats, origin, emojis)) - 1,
    // A report names its target as an entity; reports are rare, so the kept JSON is read back (JSON.parse then
    // JSON.stringify gives the same text).
    entityOf: (slot: number): MastodonAccount => JSON.parse(json[slot]!) as MastodonAccount,
  };
}

function withAccounts(text: string, json: readonly string[]): string {
  return text.replace(ACCOUNT_SLOT, (_match, slot: string) => `,"account":${json[Number(slot)]!}`);
}

/** JSON.stringify(await toStatuses(core, rows, viewerId, origin, options)). */
export async function statusesJson(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions = {}): Promise<string> {
  if (rows.length === 0) return "[]";
  const slots = accountSlots();
  const { statuses } = await renderStatusPage(core, rows, viewerId, origin, options, [], slots.shapeAccount);
  return withAccounts(JSON.stringify(statuses), slots.json);
}

/** JSON.stringify(await toNotifications(core, rows, viewerId, origin)). */
export async function notificationsJson(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<string> {
  const slots = accountSlots();
  return withAccounts(JSON.stringify(await notificationShapes(core, rows, viewerId, origin, slots)), slots.json);
}
