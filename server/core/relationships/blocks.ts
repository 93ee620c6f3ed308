import type { Kysely } from "kysely";
import { Forbidden, NotFound } from "../errors.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { deleteFollow, followSnapshot } from "./follows.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountRow, BlockRow, FollowRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Blocks between accounts. A local account's block ends follows both ways, as Mastodon's BlockService
 * does (peers hear an Undo(Follow) and a Reject), drops the blocked account's notifications and
 * endorsement, and is itself sent to a remote target as a Block. What peers block arrives through
 * recordIncomingBlock and recordBlockUndone.
 */

type Db = Kysely<DatabaseSchema>;

async function loadAccount(db: Db, id: string): Promise<AccountRow> {
  const account = await db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!account) throw new NotFound(`There is no account with id ${id}.`);
  return account;
}

async function findFollowRow(db: Db, accountId: string, targetAccountId: string): Promise<FollowRow | undefined> {
  return db.selectFrom("follows").selectAll().where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).executeTakeFirst();
}

/** Ends follows and requests both ways between two accounts; returns what was removed. */
async function severFollows(trx: Db, a: string, b: string): Promise<{ aToB?: FollowRow; bToA?: FollowRow }> {
  const aToB = await findFollowRow(trx, a, b);
  const bToA = await findFollowRow(trx, b, a);
  if (aToB) await deleteFollow(trx, aToB);
  if (bToA) await deleteFollow(trx, bToA);
  return { aToB, bToA };
}

/** Our Block activity's id: under the blocker's actor, as Mastodon names it. */
function blockUri(origin: string, blocker: AccountRow, blockId: string): string {
  return `${new URL(`/users/${blocker.username}`, origin).href}#blocks/${blockId}`;
}

export async function findBlock(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<BlockRow | undefined> {
  return ctx.db.selectFrom("blocks").selectAll().where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).executeTakeFirst();
}

/** A local account blocks another. Blocking again changes nothing. */
export async function blockAccount(ctx: CoreContext, accountId: string, targetAccountId: string, options: { origin: string }): Promise<BlockRow> {
  if (accountId === targetAccountId) throw new Forbidden("You cannot block yourself.");
  return write(ctx, async (trx, after) => {
    const blocker = await loadAccount(trx, accountId);
    if (blocker.domain !== null) throw new Forbidden(`Account ${accountId} is not on this instance.`);
    const target = await loadAccount(trx, targetAccountId);
    const existing = await trx
      .selectFrom("blocks")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetAccountId)
      .executeTakeFirst();
    if (existing) return existing;
    const severed = await severFollows(trx, accountId, targetAccountId);
    await trx.deleteFrom("notifications").where("account_id", "=", accountId).where("from_account_id", "=", targetAccountId).execute();
    await trx.deleteFrom("account_endorsements").where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).execute();
    const now = ctx.clock.now();
    const id = ctx.ids.next(now);
    const block = await trx
      .insertInto("blocks")
      .values({ id, account_id: accountId, target_account_id: targetAccountId, uri: blockUri(options.origin, blocker, id), created_at: now.toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (target.domain !== null) {
      if (severed.aToB) after.publish({ type: "follow.undone", follow: followSnapshot(severed.aToB) });
      if (severed.bToA) after.publish({ type: "follow.rejected", follow: followSnapshot(severed.bToA) });
      after.publish({ type: "account.blocked", blockId: block.id });
    }
    return block;
  });
}

/** A local account lifts a block; a remote target hears an Undo(Block). Unblocking twice is a no-op. */
export async function unblockAccount(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<void> {
  await write(ctx, async (trx, after) => {
    const target = await loadAccount(trx, targetAccountId);
    const block = await trx
      .selectFrom("blocks")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetAccountId)
      .executeTakeFirst();
    if (!block) return;
    await trx.deleteFrom("blocks").where("id", "=", block.id).execute();
    if (target.domain !== null && block.uri !== null) after.publish({ type: "account.unblocked", accountId, targetAccountId, blockUri: block.uri });
  });
}

export interface BlockPage {
  items: Array<{ block: BlockRow; account: AccountRow }>;
}

/** Accounts a local account blocks, newest block first, paged by block id. */
export async function listBlocks(ctx: CoreContext, accountId: string, page: PageRequest): Promise<BlockPage> {
  const rows = await pageQuery(
    ctx.db
      .selectFrom("blocks")
      .innerJoin("accounts", "accounts.id", "blocks.target_account_id")
      .selectAll("accounts")
      .select(["blocks.id as block_id", "blocks.uri as block_uri", "blocks.created_at as block_created_at"])
      .where("blocks.account_id", "=", accountId),
    "blocks.id",
    page,
  ).execute();
  return {
    items: pageRows(rows, page).map(({ block_id, block_uri, block_created_at, ...account }) => ({
      block: { id: block_id, account_id: accountId, target_account_id: account.id, uri: block_uri, created_at: block_created_at },
      account,
    })),
  };
}

// What peers tell us.

export interface IncomingBlock {
  /** The remote account that blocks. */
  accountId: string;
  /** The local account blocked. */
  targetAccountId: string;
  /** The Block activity's id. */
  uri: string;
}

/**
 * A remote account blocked a local one: follows both ways end (the peer has already dropped them on its
 * side, so nothing is sent) and the block is kept, so the local account sees `blocked_by`.
 */
export async function recordIncomingBlock(ctx: CoreContext, input: IncomingBlock): Promise<BlockRow | undefined> {
  return write(ctx, async (trx) => {
    const blocker = await trx.selectFrom("accounts").selectAll().where("id", "=", input.accountId).executeTakeFirst();
    const target = await trx.selectFrom("accounts").selectAll().where("id", "=", input.targetAccountId).executeTakeFirst();
    if (!blocker || blocker.domain === null || !target || target.domain !== null) return undefined;
    await severFollows(trx, blocker.id, target.id);
    const existing = await trx
      .selectFrom("blocks")
      .selectAll()
      .where("account_id", "=", blocker.id)
      .where("target_account_id", "=", target.id)
      .executeTakeFirst();
    if (existing) return existing;
    return trx
      .insertInto("blocks")
      .values({ id: ctx.ids.next(), account_id: blocker.id, target_account_id: target.id, uri: input.uri, created_at: ctx.clock.now().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** A remote account lifted its block (Undo(Block)), named by the Block's id or by who was blocked. */
export async function recordBlockUndone(ctx: CoreContext, input: { accountId: string; uri?: string | null; targetAccountId?: string | null }): Promise<void> {
  const { uri, targetAccountId } = input;
  if (!uri && !targetAccountId) return;
  await write(ctx, (trx) => {
    const query = trx.deleteFrom("blocks").where("account_id", "=", input.accountId);
    return (uri ? query.where("uri", "=", uri) : query.where("target_account_id", "=", targetAccountId ?? "")).execute();
  });
}
