import type { CoreContext } from "../context.ts";

/**
 * The statuses an account's public collections list, newest first, paged by status id: its outbox (public
 * and unlisted posts and boosts only, as Mastodon's), its pinned statuses (featured), and the public
 * replies to one status.
 */

const PUBLIC_VISIBILITIES = ["public", "unlisted"] as const;

export interface IdPage {
  ids: string[];
  /** The id to continue below, or null on the last page. */
  nextMaxId: string | null;
}

function toPage(rows: Array<{ id: string }>, limit: number): IdPage {
  const ids = rows.slice(0, limit).map((row) => row.id);
  return { ids, nextMaxId: rows.length > limit ? (ids.at(-1) ?? null) : null };
}

export async function listOutboxStatusIds(ctx: CoreContext, accountId: string, page: { maxId: string | null; limit: number }): Promise<IdPage> {
  let query = ctx.db
    .selectFrom("statuses")
    .select("id")
    .where("account_id", "=", accountId)
    .where("local", "=", 1)
    .where("visibility", "in", PUBLIC_VISIBILITIES)
    .orderBy("id", "desc")
    .limit(page.limit + 1);
  if (page.maxId) query = query.where("id", "<", page.maxId);
  return toPage(await query.execute(), page.limit);
}

export async function countOutboxStatuses(ctx: CoreContext, accountId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("account_id", "=", accountId)
    .where("local", "=", 1)
    .where("visibility", "in", PUBLIC_VISIBILITIES)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** An account's pinned statuses that anyone may see, most recently pinned first. */
export async function listPinnedStatusIds(ctx: CoreContext, accountId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("status_pins")
    .innerJoin("statuses", "statuses.id", "status_pins.status_id")
    .select("statuses.id")
    .where("status_pins.account_id", "=", accountId)
    .where("statuses.visibility", "in", PUBLIC_VISIBILITIES)
    .orderBy("status_pins.id", "desc")
    .execute();
  return rows.map((row) => row.id);
}

export interface ReplyRef {
  id: string;
  uri: string | null;
  url: string | null;
  local: number;
  username: string;
}

/** Public and unlisted replies to a status, with what their ids are made of. */
export async function listPublicReplies(ctx: CoreContext, statusId: string, page: { maxId: string | null; limit: number }): Promise<{ items: ReplyRef[]; nextMaxId: string | null }> {
  let query = ctx.db
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["statuses.id", "statuses.uri", "statuses.url", "statuses.local", "accounts.username"])
    .where("statuses.in_reply_to_id", "=", statusId)
    .where("statuses.visibility", "in", PUBLIC_VISIBILITIES)
    .orderBy("statuses.id", "desc")
    .limit(page.limit + 1);
  if (page.maxId) query = query.where("statuses.id", "<", page.maxId);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  return { items, nextMaxId: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function countPublicReplies(ctx: CoreContext, statusId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("in_reply_to_id", "=", statusId)
    .where("visibility", "in", PUBLIC_VISIBILITIES)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
