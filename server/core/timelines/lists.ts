import { Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import type { AccountRow, ListRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Lists: a local account's named groups of accounts it follows, each a timeline of its own. A list only
 * holds followed accounts (core/relationships/follows.ts drops members when a follow ends).
 */

export type RepliesPolicy = ListRow["replies_policy"];

export const REPLIES_POLICIES: readonly RepliesPolicy[] = ["followed", "list", "none"];
const TITLE_MAX = 256;

export interface ListInput {
  title?: string;
  repliesPolicy?: string;
  exclusive?: boolean;
}

function checkInput(input: ListInput, creating: boolean): void {
  if (creating || input.title !== undefined) {
    const title = input.title?.trim() ?? "";
    if (title === "") throw new Invalid("A list needs a title.");
    if ([...title].length > TITLE_MAX) throw new Invalid(`A list's title has at most ${TITLE_MAX} characters.`);
  }
  if (input.repliesPolicy !== undefined && !REPLIES_POLICIES.includes(input.repliesPolicy as RepliesPolicy)) {
    throw new Invalid(`replies_policy must be one of ${REPLIES_POLICIES.join(", ")}, not "${input.repliesPolicy}".`);
  }
}

/** One of the account's own lists; another account's list is as absent as one that never was. */
export async function getOwnList(ctx: CoreContext, accountId: string, listId: string): Promise<ListRow> {
  const list = await ctx.db.selectFrom("lists").selectAll().where("id", "=", listId).where("account_id", "=", accountId).executeTakeFirst();
  if (!list) throw new NotFound(`There is no list ${listId}.`);
  return list;
}

export async function listLists(ctx: CoreContext, accountId: string): Promise<ListRow[]> {
  return ctx.db.selectFrom("lists").selectAll().where("account_id", "=", accountId).orderBy("id").execute();
}

export async function createList(ctx: CoreContext, accountId: string, input: ListInput): Promise<ListRow> {
  checkInput(input, true);
  const now = ctx.clock.now();
  return write(ctx, (trx) =>
    trx
      .insertInto("lists")
      .values({
        id: ctx.ids.next(now),
        account_id: accountId,
        title: input.title?.trim() ?? "",
        replies_policy: (input.repliesPolicy as RepliesPolicy | undefined) ?? "list",
        exclusive: input.exclusive ? 1 : 0,
        created_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

export async function updateList(ctx: CoreContext, accountId: string, listId: string, input: ListInput): Promise<ListRow> {
  checkInput(input, false);
  await getOwnList(ctx, accountId, listId);
  const changes = {
    ...(input.title === undefined ? {} : { title: input.title.trim() }),
    ...(input.repliesPolicy === undefined ? {} : { replies_policy: input.repliesPolicy as RepliesPolicy }),
    ...(input.exclusive === undefined ? {} : { exclusive: input.exclusive ? 1 : 0 }),
  };
  if (Object.keys(changes).length === 0) return getOwnList(ctx, accountId, listId);
  return write(ctx, (trx) => trx.updateTable("lists").set(changes).where("id", "=", listId).returningAll().executeTakeFirstOrThrow());
}

export async function deleteList(ctx: CoreContext, accountId: string, listId: string): Promise<void> {
  await getOwnList(ctx, accountId, listId);
  await write(ctx, (trx) => trx.deleteFrom("lists").where("id", "=", listId).execute());
}

/**
 * Adds accounts to a list, all or none. Each must be followed (or asked to be followed); one already in
 * the list is refused with Mastodon's sentence.
 */
export async function addListAccounts(ctx: CoreContext, ownerId: string, listId: string, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) throw new Invalid("Name the accounts to add in account_ids[].");
  await write(ctx, async (trx) => {
    const list = await trx.selectFrom("lists").select("id").where("id", "=", listId).where("account_id", "=", ownerId).executeTakeFirst();
    if (!list) throw new NotFound(`There is no list ${listId}.`);
    for (const accountId of new Set(accountIds)) {
      const follow = await trx.selectFrom("follows").select("id").where("account_id", "=", ownerId).where("target_account_id", "=", accountId).executeTakeFirst();
      // Mastodon answers 404 for an account the owner does not follow.
      if (!follow) throw new NotFound(`You do not follow account ${accountId}.`);
      const member = await trx.selectFrom("list_accounts").select("account_id").where("list_id", "=", listId).where("account_id", "=", accountId).executeTakeFirst();
      if (member) throw new Invalid("Validation failed: Account has already been taken");
      await trx.insertInto("list_accounts").values({ list_id: listId, account_id: accountId }).execute();
    }
  });
}

export async function removeListAccounts(ctx: CoreContext, ownerId: string, listId: string, accountIds: readonly string[]): Promise<void> {
  await getOwnList(ctx, ownerId, listId);
  if (accountIds.length === 0) return;
  await write(ctx, (trx) => trx.deleteFrom("list_accounts").where("list_id", "=", listId).where("account_id", "in", [...accountIds]).execute());
}

/**
 * The accounts of a list, paged by account id as Mastodon pages them; limit null returns them all (the
 * API's limit=0).
 */
export async function listListAccounts(
  ctx: CoreContext,
  ownerId: string,
  listId: string,
  page: { maxId: string | null; sinceId: string | null; minId: string | null; limit: number | null },
): Promise<AccountRow[]> {
  await getOwnList(ctx, ownerId, listId);
  let query = ctx.db.selectFrom("list_accounts").innerJoin("accounts", "accounts.id", "list_accounts.account_id").selectAll("accounts").where("list_accounts.list_id", "=", listId);
  if (page.maxId) query = query.where("accounts.id", "<", page.maxId);
  if (page.sinceId) query = query.where("accounts.id", ">", page.sinceId);
  if (page.minId) query = query.where("accounts.id", ">", page.minId);
  query = query.orderBy("accounts.id", page.minId ? "asc" : "desc");
  if (page.limit !== null) query = query.limit(page.limit);
  const rows = await query.execute();
  return page.minId ? rows.reverse() : rows;
}

/** The owner's lists that hold an account (GET /api/v1/accounts/:id/lists). */
export async function listsContaining(ctx: CoreContext, ownerId: string, accountId: string): Promise<ListRow[]> {
  return ctx.db
    .selectFrom("lists")
    .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
    .selectAll("lists")
    .where("lists.account_id", "=", ownerId)
    .where("list_accounts.account_id", "=", accountId)
    .orderBy("lists.id")
    .execute();
}
