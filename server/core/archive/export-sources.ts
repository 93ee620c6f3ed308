import type { CoreContext } from "../context.ts";
import { statusUri } from "../statuses/status-addresses.ts";

/**
 * What an account's archive is read from, in id order and in batches, so an account of any size is exported
 * without holding it in memory: its own statuses of every visibility (Mastodon's backup has them all), the
 * statuses it favourited and bookmarked (as ids others know them by), and its stored media files.
 */

export interface IdBatch {
  ids: string[];
  /** The id to continue after, or null when this was the last batch. */
  nextAfterId: string | null;
}

export async function listOwnStatusIds(ctx: CoreContext, accountId: string, afterId: string | null, limit: number): Promise<IdBatch> {
  let query = ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", accountId)
    .where("local", "=", 1)
    .orderBy("id", "asc")
    .limit(limit);
  if (afterId !== null) query = query.where("id", ">", afterId);
  const ids = (await query.execute()).map((row) => row.id);
  return { ids, nextAfterId: ids.length === limit ? (ids.at(-1) ?? null) : null };
}

export async function countOwnStatuses(ctx: CoreContext, accountId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("account_id", "=", accountId)
    .where("local", "=", 1)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The ActivityPub ids of the statuses an account favourited or bookmarked, oldest first. */
export async function listMarkedStatusUris(ctx: CoreContext, accountId: string, mark: "favourites" | "bookmarks", origin: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom(mark)
    .innerJoin("statuses", "statuses.id", `${mark}.status_id`)
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["statuses.id", "statuses.uri", "statuses.url", "statuses.local", "accounts.username"])
    .where(`${mark}.account_id`, "=", accountId)
    .orderBy(`${mark}.id`, "asc")
    .execute();
  return rows.map((row) => statusUri(row, row, origin));
}

/** The stored files (relative to the media folder) of an account's media that a status of its own holds. */
export async function listOwnMediaFiles(ctx: CoreContext, accountId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("media_attachments")
    .innerJoin("statuses", "statuses.id", "media_attachments.status_id")
    .select("media_attachments.file")
    .where("media_attachments.account_id", "=", accountId)
    .where("statuses.local", "=", 1)
    .where("media_attachments.file", "is not", null)
    .orderBy("media_attachments.id", "asc")
    .execute();
  return rows.flatMap((row) => (row.file ? [row.file] : []));
}
