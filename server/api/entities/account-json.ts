import type { AccountEntityRow, AccountStats } from "../../core/accounts/account-stats.ts";
import type { CustomEmojiRow } from "../../core/rows.ts";
import { toAccount } from "./account.ts";
import { toCustomEmoji } from "./custom-emoji.ts";

export interface KeptAccountJson {
  json: string;
  stats: AccountStats;
  origin: string;
  /** The emoji's own JSON, "" for none: emoji rows are read afresh for every page, so they are compared by value. */
  emojis: string;
  /** `json` as UTF-8, made on the first page written as bytes that names the account (page-json.ts). */
  utf8?: Buffer;
}

/**
 * Keyed by the row object itself. The account cache (db/page-read-caches.ts) hands every page the same row
 * and stats objects until a write changes the account or its numbers, and then reads a new row: a new object
 * is a new key, so a kept entry can never outlive what it was made from. A row read without the cache is a
 * new object each time and is simply serialised. Weak: an entry goes with its row.
 */
const kept = new WeakMap<AccountEntityRow, KeptAccountJson>();

function emojisKey(emojis: readonly CustomEmojiRow[], origin: string): string {
  return emojis.length === 0 ? "" : JSON.stringify(emojis.map((emoji) => toCustomEmoji(emoji, origin)));
}

/**
 * JSON.stringify(toAccount(row, stats, origin, emojis)), made once per account row as the account cache holds
 * it, for a page's JSON to take as it is (page-json.ts): an author is over half a status's bytes, and the same
 * forty authors come back page after page.
 */
export function accountJson(row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]): string {
  return keptJson(row, stats, origin, emojis).json;
}

/** accountJson as kept for the account's row: its `json`, and its UTF-8 through accountJsonUtf8. */
export function keptAccountJson(row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]): Readonly<KeptAccountJson> {
  return keptJson(row, stats, origin, emojis);
}

/**
 * The kept JSON as UTF-8, made once for as long as the JSON is kept: a page written as bytes copies them
 * rather than measuring and encoding forty accounts' text again (issue #19).
 */
export function accountJsonUtf8(kept: Readonly<KeptAccountJson>): Buffer {
  if (kept.utf8 !== undefined) return kept.utf8;
  // Not from Node's shared pool: a pooled slice would keep its whole pool alive with the account.
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(kept.json));
  bytes.write(kept.json);
  (kept as KeptAccountJson).utf8 = bytes;
  return bytes;
}

function keptJson(row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]): KeptAccountJson {
  const emojiJson = emojisKey(emojis, origin);
  const known = kept.get(row);
  if (known && known.stats === stats && known.origin === origin && known.emojis === emojiJson) return known;
  const entry: KeptAccountJson = { json: JSON.stringify(toAccount(row, stats, origin, emojis)), stats, origin, emojis: emojiJson };
  kept.set(row, entry);
  return entry;
}
