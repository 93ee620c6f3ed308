import type { CoreContext } from "../context.ts";

/**
 * The files under media/ that belong to each of the given accounts: its uploads and their thumbnails, its avatar
 * and its header. A remote copy of someone else's attachment is kept under the remote account, not the viewer's.
 */
export async function filesOfAccounts(ctx: Pick<CoreContext, "db">, accountIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const files = new Map<string, Set<string>>(accountIds.map((id) => [id, new Set<string>()]));
  if (accountIds.length === 0) return files;
  const add = (accountId: string, file: string | null) => {
    if (file !== null) files.get(accountId)?.add(file);
  };
  const media = await ctx.db
    .selectFrom("media_attachments")
    .select(["account_id", "file", "thumbnail_file"])
    .where("account_id", "in", accountIds)
    .execute();
  for (const row of media) {
    add(row.account_id, row.file);
    add(row.account_id, row.thumbnail_file);
  }
  const images = await ctx.db.selectFrom("accounts").select(["id", "avatar_file", "header_file"]).where("id", "in", accountIds).execute();
  for (const row of images) {
    add(row.id, row.avatar_file);
    add(row.id, row.header_file);
  }
  return files;
}
