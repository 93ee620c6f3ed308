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

/**
 * withAccounts written straight as UTF-8 bytes, for the routes to answer as they are (json-answer.ts): the page
 * with its accounts was a second string of the page's whole length (60-85 KB) built only to be encoded once,
 * a fifth of what a fresh page allocated (issue #19). Each piece, the page's text between slots and each
 * account's JSON, is encoded into one buffer of the page's exact length.
 */
function withAccountsAsBytes(text: string, json: readonly string[]): Uint8Array<ArrayBuffer> {
  const pieces: string[] = [];
  let from = 0;
  for (const match of text.matchAll(ACCOUNT_SLOT)) {
    // The piece ends with the slot's `,"account":`, then the account's JSON takes the number's place.
    const numberAt = match.index + match[0].length - match[1]!.length;
    pieces.push(text.slice(from, numberAt), json[Number(match[1])]!);
    from = match.index + match[0].length;
  }
  pieces.push(text.slice(from));
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  // Not from Node's shared pool: recent-responses.ts may keep the bytes, and a pooled slice would keep its pool.
  const bytes = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const piece of pieces) at += bytes.write(piece, at);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

async function statusPage(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions) {
  const slots = accountSlots();
  const { statuses } = await renderStatusPage(core, rows, viewerId, origin, options, [], slots.shapeAccount);
  return { text: JSON.stringify(statuses), accounts: slots.json };
}

async function notificationPage(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string) {
  const slots = accountSlots();
  return { text: JSON.stringify(await notificationShapes(core, rows, viewerId, origin, slots)), accounts: slots.json };
}

/** JSON.stringify(await toStatuses(core, rows, viewerId, origin, options)). */
export async function statusesJson(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions = {}): Promise<string> {
  if (rows.length === 0) return "[]";
  const { text, accounts } = await statusPage(core, rows, viewerId, origin, options);
  return withAccounts(text, accounts);
}

/** statusesJson as its UTF-8 bytes, as the routes answer it. */
export async function statusesJsonBytes(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (rows.length === 0) return withAccountsAsBytes("[]", []);
  const { text, accounts } = await statusPage(core, rows, viewerId, origin, options);
  return withAccountsAsBytes(text, accounts);
}

/** JSON.stringify(await toNotifications(core, rows, viewerId, origin)). */
export async function notificationsJson(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<string> {
  const { text, accounts } = await notificationPage(core, rows, viewerId, origin);
  return withAccounts(text, accounts);
}

/** notificationsJson as its UTF-8 bytes, as the route answers it. */
export async function notificationsJsonBytes(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<Uint8Array<ArrayBuffer>> {
  const { text, accounts } = await notificationPage(core, rows, viewerId, origin);
  return withAccountsAsBytes(text, accounts);
}
