import { sql } from "kysely";
import type { CoreContext } from "./context.ts";
import { normaliseTagName } from "./status-store.ts";
import type { TagRow } from "./tag-follows.ts";

/**
 * Hashtags by the start of their name, for search: the exact tag first, then the shortest names (the
 * closest completions), as a person typing expects.
 */
export async function searchTags(ctx: CoreContext, query: string, page: { limit: number; offset: number }): Promise<TagRow[]> {
  const name = normaliseTagName(query.trim());
  if (name === "" || /\s/.test(name)) return [];
  const pattern = `${name.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return ctx.db
    .selectFrom("tags")
    .selectAll()
    .where(sql<boolean>`name LIKE ${pattern} ESCAPE '\\'`)
    .orderBy(sql`name = ${name}`, "desc")
    .orderBy(sql`length(name)`)
    .orderBy("name")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export interface TagUse {
  /** Midnight UTC of the day, as a Unix timestamp in seconds (Mastodon's `day`). */
  day: number;
  uses: number;
  accounts: number;
}

const DAY_MS = 86_400_000;

/** How much each tag was used on each of the last seven days (today first), for the Tag entity's history. */
export async function tagHistory(ctx: CoreContext, tagIds: readonly string[]): Promise<Map<string, TagUse[]>> {
  const today = Math.floor(ctx.clock.now().getTime() / DAY_MS) * DAY_MS;
  const days = Array.from({ length: 7 }, (_, index) => today - index * DAY_MS);
  const history = new Map(tagIds.map((id) => [id, days.map((day) => ({ day: day / 1000, uses: 0, accounts: 0 }))]));
  if (tagIds.length === 0) return history;
  const since = new Date(days.at(-1) ?? today).toISOString();
  const rows = await ctx.db
    .selectFrom("status_tags")
    .innerJoin("statuses", "statuses.id", "status_tags.status_id")
    .select([
      "status_tags.tag_id as tag_id",
      sql<string>`substr(statuses.created_at, 1, 10)`.as("date"),
      (eb) => eb.fn.countAll<number>().as("uses"),
      sql<number>`count(distinct statuses.account_id)`.as("accounts"),
    ])
    .where("status_tags.tag_id", "in", [...tagIds])
    .where("statuses.created_at", ">=", since)
    .groupBy(["status_tags.tag_id", sql`substr(statuses.created_at, 1, 10)`])
    .execute();
  for (const row of rows) {
    const entry = history.get(row.tag_id)?.find((use) => new Date(use.day * 1000).toISOString().slice(0, 10) === row.date);
    if (entry) {
      entry.uses = Number(row.uses);
      entry.accounts = Number(row.accounts);
    }
  }
  return history;
}
