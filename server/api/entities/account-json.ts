import type { AccountEntityRow, AccountStats } from "../../core/accounts/account-stats.ts";
import type { CustomEmojiRow } from "../../core/rows.ts";
import { toAccount } from "./account.ts";
import { toCustomEmoji } from "./custom-emoji.ts";

interface KeptAccountJson {
  json: string;
  stats: AccountStats;
  origin: string;
  /** The emoji's own JSON, "" for none: emoji rows are read afresh for every page, so they are compared by value. */
  emojis: string;
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
  const emojiJson = emojisKey(emojis, origin);
  const known = kept.get(row);
  if (known && known.stats === stats && known.origin === origin && known.emojis === emojiJson) return known.json;
  const json = JSON.stringify(toAccount(row, stats, origin, emojis));
  kept.set(row, { json, stats, origin, emojis: emojiJson });
  return json;
}
