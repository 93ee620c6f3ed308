import type { AccountEntityRow, AccountStats } from "../../core/accounts/account-stats.ts";
import type { CoreContext } from "../../core/context.ts";
import type { CustomEmojiRow, NotificationRow, StatusRow } from "../../core/rows.ts";
import { accountJsonUtf8, keptAccountJson, type KeptAccountJson } from "./account-json.ts";
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

/** A page's accounts: each rendered as its slot, its JSON (account-json.ts) kept in `kept` at that slot. */
function accountSlots() {
  const kept: Readonly<KeptAccountJson>[] = [];
  return {
    kept,
    shapeAccount: (row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]): number =>
      kept.push(keptAccountJson(row, stats, origin, emojis)) - 1,
    // A report names its target as an entity; reports are rare, so the kept JSON is read back (JSON.parse then
    // JSON.stringify gives the same text).
    entityOf: (slot: number): MastodonAccount => JSON.parse(kept[slot]!.json) as MastodonAccount,
  };
}

function withAccounts(text: string, kept: readonly Readonly<KeptAccountJson>[]): string {
  return text.replace(ACCOUNT_SLOT, (_match, slot: string) => `,"account":${kept[Number(slot)]!.json}`);
}

const SLOT_PREFIX = ',"account":';
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * withAccounts written straight as UTF-8 bytes, for the routes to answer as they are (json-answer.ts): the page
 * with its accounts was a second string of the page's whole length (60-85 KB) built only to be encoded once,
 * a fifth of what a fresh page allocated (issue #19). The page's text between slots is encoded into one buffer
 * of the page's exact length, and each account's UTF-8, kept with its JSON (account-json.ts), copied in: each
 * account's text measured and encoded again for every page was a tenth of a fresh page's CPU. The slots are
 * found as ACCOUNT_SLOT finds them, a prefix then digits, without the regular expression's match objects.
 */
function withAccountsAsBytes(text: string, kept: readonly Readonly<KeptAccountJson>[]): Uint8Array<ArrayBuffer> {
  // Per slot: where its number starts and ends in the text, and the account's bytes.
  const starts: number[] = [];
  const ends: number[] = [];
  const accounts: Buffer[] = [];
  let length = Buffer.byteLength(text);
  for (let found = text.indexOf(SLOT_PREFIX); found !== -1; found = text.indexOf(SLOT_PREFIX, found + SLOT_PREFIX.length)) {
    const start = found + SLOT_PREFIX.length;
    let end = start;
    let slot = 0;
    for (let code = text.charCodeAt(end); code >= DIGIT_0 && code <= DIGIT_9; code = text.charCodeAt(++end)) slot = slot * 10 + (code - DIGIT_0);
    if (end === start) continue;
    const utf8 = accountJsonUtf8(kept[slot]!);
    starts.push(start);
    ends.push(end);
    accounts.push(utf8);
    // The number's digits (one byte each) give way to the account's bytes.
    length += utf8.length - (end - start);
  }
  // Not from Node's shared pool: recent-responses.ts may keep the bytes, and a pooled slice would keep its pool.
  const bytes = Buffer.allocUnsafeSlow(length);
  let at = 0;
  let from = 0;
  for (let i = 0; i < starts.length; i++) {
    at += bytes.write(text.slice(from, starts[i]), at);
    at += accounts[i]!.copy(bytes, at);
    from = ends[i]!;
  }
  at += bytes.write(text.slice(from), at);
  if (at !== length) throw new Error(`A page's bytes came to ${at}, not the ${length} measured.`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

async function statusPage(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions) {
  const slots = accountSlots();
  const { statuses } = await renderStatusPage(core, rows, viewerId, origin, options, [], slots.shapeAccount);
  return { text: JSON.stringify(statuses), accounts: slots.kept };
}

async function notificationPage(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string) {
  const slots = accountSlots();
  return { text: JSON.stringify(await notificationShapes(core, rows, viewerId, origin, slots)), accounts: slots.kept };
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
