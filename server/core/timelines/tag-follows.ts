import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import { normaliseTagName, upsertTags } from "../statuses/status-store.ts";
import type { TagRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Hashtags a local account follows: their posts come into its home timeline (status-fan-out reads
 * tag_follows). Following a tag nobody has used yet creates it, as on Mastodon.
 */


// Mastodon's Tag::HASHTAG_NAME_RE, less the middle-dot rules: letters, digits and underscores, one letter at least.
const TAG_NAME = /^[\p{L}\p{N}_\u00b7\u200c]*[\p{L}_][\p{L}\p{N}_\u00b7\u200c]*$/u;

export function checkTagName(name: string): string {
  const bare = name.trim().replace(/^#/, "");
  if (!TAG_NAME.test(bare)) throw new Invalid(`"${name}" is not a hashtag: use letters, digits and underscores.`);
  return bare;
}

export async function findTag(ctx: CoreContext, name: string): Promise<TagRow | undefined> {
  return ctx.db.selectFrom("tags").selectAll().where("name", "=", normaliseTagName(name)).executeTakeFirst();
}

/** The tags among these that the account follows. */
export async function followedTagIds(ctx: CoreContext, accountId: string, tagIds: readonly string[]): Promise<Set<string>> {
  if (tagIds.length === 0) return new Set();
  const rows = await ctx.db.selectFrom("tag_follows").select("tag_id").where("account_id", "=", accountId).where("tag_id", "in", [...tagIds]).execute();
  return new Set(rows.map((row) => row.tag_id));
}

export async function followTag(ctx: CoreContext, accountId: string, name: string): Promise<TagRow> {
  const display = checkTagName(name);
  return write(ctx, async (trx) => {
    const [created] = await upsertTags(ctx, trx, [display]);
    if (!created) throw new Invalid(`"${name}" is not a hashtag.`);
    await trx
      .insertInto("tag_follows")
      .values({ id: ctx.ids.next(), account_id: accountId, tag_id: created.id, created_at: ctx.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(["account_id", "tag_id"]).doNothing())
      .execute();
    return trx.selectFrom("tags").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
  });
}

export async function unfollowTag(ctx: CoreContext, accountId: string, tagId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("tag_follows").where("account_id", "=", accountId).where("tag_id", "=", tagId).execute());
}

/** The tags an account follows, newest follow first, paged by the follow's id. */
export async function listFollowedTags(ctx: CoreContext, accountId: string, page: PageRequest): Promise<Array<{ followId: string; tag: TagRow }>> {
  const rows = await pageQuery(
    ctx.db
      .selectFrom("tag_follows")
      .innerJoin("tags", "tags.id", "tag_follows.tag_id")
      .selectAll("tags")
      .select("tag_follows.id as follow_id")
      .where("tag_follows.account_id", "=", accountId),
    "tag_follows.id",
    page,
  ).execute();
  return pageRows(rows, page).map(({ follow_id, ...tag }) => ({ followId: follow_id, tag }));
}
