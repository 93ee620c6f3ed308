import { sql } from "kysely";
import type { CoreContext } from "../context.ts";
import { normaliseTagName } from "../statuses/status-store.ts";
import { visibleTo } from "../visibility/status-visibility.ts";
import type { TagRow } from "../rows.ts";

/**
 * Hashtags by the start of their name, for search: the exact tag first, then the shortest names (the
 * closest completions), as a person typing expects. Only tags on a status the viewer may see, or that the
 * viewer follows: a tag written only in someone's followers-only or direct status is that status's content.
 */
export async function searchTags(ctx: CoreContext, query: string, page: { limit: number; offset: number }, viewerId: string | null): Promise<TagRow[]> {
  const name = normaliseTagName(query.trim());
  if (name === "" || /\s/.test(name)) return [];
  const pattern = `${name.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return ctx.db
    .selectFrom("tags")
    .selectAll()
    .where(sql<boolean>`name LIKE ${pattern} ESCAPE '\\'`)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom("status_tags")
            .innerJoin("statuses", "statuses.id", "status_tags.status_id")
            .select("status_tags.status_id")
            .whereRef("status_tags.tag_id", "=", "tags.id")
            .where((inner) => visibleTo(inner, viewerId)),
        ),
        ...(viewerId === null
          ? []
          : [eb.exists(eb.selectFrom("tag_follows").select("tag_follows.tag_id").whereRef("tag_follows.tag_id", "=", "tags.id").where("tag_follows.account_id", "=", viewerId))]),
      ]),
    )
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

/**
 * How much each tag was used on each of the last seven days (today first), for the Tag entity's history.
 * Public statuses only, as Mastodon's trends count them: anyone can read a tag's history, and a count that
 * moved with followers-only and direct statuses would tell of posts the reader may not see.
 */
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
    .where("statuses.visibility", "=", "public")
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
