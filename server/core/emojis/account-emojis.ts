import type { CoreContext } from "../context.ts";
import type { AccountRow, CustomEmojiRow } from "../rows.ts";

// Mastodon's shortcode syntax, bounded as note-tags.ts bounds the shortcodes it stores.
const SHORTCODE = /:([a-zA-Z0-9_]{2,100}):/g;

/** What an account's emoji are found in. */
type AccountEmojiColumns = Pick<AccountRow, "id" | "domain" | "display_name" | "note" | "fields_json">;

function shortcodesOf(account: AccountEmojiColumns): string[] {
  // fields_json is searched as text: a :code: inside a field's name or value shows up there unchanged.
  const text = `${account.display_name} ${account.note} ${account.fields_json}`;
  return [...new Set([...text.matchAll(SHORTCODE)].map((match) => match[1] ?? ""))].filter((code) => code !== "");
}

/**
 * The custom emoji each account's display name, note and fields use, by account id: a remote account's
 * from its own server (its domain), a local account's from ours. One query for a whole page of accounts.
 */
export async function loadAccountEmojis(ctx: CoreContext, accounts: readonly AccountEmojiColumns[]): Promise<Map<string, CustomEmojiRow[]>> {
  const wanted = new Map<string, { domain: string | null; shortcodes: string[] }>();
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
