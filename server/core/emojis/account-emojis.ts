import type { CoreContext } from "../context.ts";
import type { AccountRow, CustomEmojiRow } from "../rows.ts";
import { shortcodesInText } from "./shortcodes-in-text.ts";

// Mastodon's shortcode syntax, bounded as note-tags.ts bounds the shortcodes it stores.
const SHORTCODE = /:([a-zA-Z0-9_]{2,100}):/g;

/** What an account's emoji are found in. */
type AccountEmojiColumns = Pick<AccountRow, "id" | "domain" | "display_name" | "note" | "fields_json">;

/**
 * Each row's shortcodes, by the row object: the account cache (db/page-read-caches.ts) hands every page the
 * same row until the account changes, and rows are never changed in place, so a page no longer searches forty
 * authors' names, notes and fields again (issue #19). A row read anew is a new key. Weak: an entry goes with its row.
 */
const shortcodesOfRow = new WeakMap<AccountEmojiColumns, readonly string[]>();

function shortcodesOf(account: AccountEmojiColumns): readonly string[] {
  const known = shortcodesOfRow.get(account);
  if (known !== undefined) return known;
  // fields_json is searched as text: a :code: inside a field's name or value shows up there unchanged.
  const text = `${account.display_name} ${account.note} ${account.fields_json}`;
  const found = shortcodesInText(text, SHORTCODE);
  shortcodesOfRow.set(account, found);
  return found;
}

/**
 * The custom emoji each account's display name, note and fields use, by account id: a remote account's
 * from its own server (its domain), a local account's from ours. One query for a whole page of accounts.
 */
export async function loadAccountEmojis(ctx: CoreContext, accounts: readonly AccountEmojiColumns[]): Promise<Map<string, CustomEmojiRow[]>> {
  const wanted = new Map<string, { domain: string | null; shortcodes: readonly string[] }>();
  const allShortcodes = new Set<string>();
  for (const account of accounts) {
    const shortcodes = shortcodesOf(account);
    if (shortcodes.length === 0) continue;
    wanted.set(account.id, { domain: account.domain, shortcodes });
    for (const code of shortcodes) allShortcodes.add(code);
  }
  const result = new Map<string, CustomEmojiRow[]>();
  if (allShortcodes.size === 0) return result;
  const rows = await ctx.db.selectFrom("custom_emojis").selectAll().where("shortcode", "in", [...allShortcodes]).execute();
  for (const [accountId, { domain, shortcodes }] of wanted) {
    const found = rows.filter((row) => row.domain === domain && shortcodes.includes(row.shortcode));
    if (found.length > 0) result.set(accountId, found);
  }
  return result;
}
