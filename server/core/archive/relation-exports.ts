import type { CoreContext } from "../context.ts";
import { listBlocks } from "../relationships/blocks.ts";
import { listDomainBlocks } from "../relationships/domain-blocks.ts";
import { listFollows } from "../relationships/follows.ts";
import { listMutes } from "../relationships/mutes.ts";
import type { AccountRow } from "../rows.ts";
import { listLists, listListAccounts } from "../timelines/lists.ts";
import { listMarkedStatusUris } from "./export-sources.ts";

/**
 * An account's relations as the CSV files Mastodon's export writes (app/models/export.rb), with its headers
 * (following, muted) or none (blocked accounts and domains, bookmarks, lists), newest first as Mastodon orders
 * them; followers as GoToSocial's export has them. Addresses are `user@host`, without a leading "@".
 */

export const CSV_EXPORTS = ["following", "followers", "lists", "blocks", "mutes", "domain_blocks", "bookmarks"] as const;
export type CsvExport = (typeof CSV_EXPORTS)[number];

export const FOLLOWING_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"] as const;
export const MUTES_HEADER = ["Account address", "Hide notifications"] as const;
export const FOLLOWERS_HEADER = ["Account address"] as const;

const ALL = { maxId: null, sinceId: null, minId: null, limit: Number.MAX_SAFE_INTEGER };

export function accountAddress(account: AccountRow, origin: string): string {
  return `${account.username}@${account.domain ?? new URL(origin).host}`;
}

function languages(json: string | null): string {
  if (json === null) return "";
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((value) => typeof value === "string").join(", ") : "";
  } catch {
    return "";
  }
}

export async function relationRows(ctx: CoreContext, accountId: string, kind: CsvExport, origin: string): Promise<string[][]> {
  const address = (account: AccountRow) => accountAddress(account, origin);
  switch (kind) {
    case "following": {
      const { items } = await listFollows(ctx, accountId, "following", ALL);
      return [
        [...FOLLOWING_HEADER],
        ...items.map(({ follow, account }) => [address(account), String(follow.show_reblogs === 1), String(follow.notify === 1), languages(follow.languages_json)]),
      ];
    }
    case "followers": {
      const { items } = await listFollows(ctx, accountId, "followers", ALL);
      return [[...FOLLOWERS_HEADER], ...items.map(({ account }) => [address(account)])];
    }
    case "blocks":
      return (await listBlocks(ctx, accountId, ALL)).items.map(({ account }) => [address(account)]);
    case "mutes": {
      const { items } = await listMutes(ctx, accountId, ALL);
      return [[...MUTES_HEADER], ...items.map(({ mute, account }) => [address(account), String(mute.hide_notifications === 1)])];
    }
    case "domain_blocks":
      return (await listDomainBlocks(ctx, accountId, ALL)).map((block) => [block.domain]);
    case "bookmarks":
      return (await listMarkedStatusUris(ctx, accountId, "bookmarks", origin)).reverse().map((uri) => [uri]);
    case "lists": {
      const rows: string[][] = [];
      for (const list of (await listLists(ctx, accountId)).reverse()) {
        const members = await listListAccounts(ctx, accountId, list.id, { maxId: null, sinceId: null, minId: null, limit: null });
        for (const member of members) rows.push([list.title, address(member)]);
      }
      return rows;
    }
  }
}
