import type { Selectable } from "kysely";
import type { BlocksTable, FavouritesTable, PollVotesTable, ReportsTable } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { AccountRow } from "../rows.ts";

/**
 * The rows federation builds outgoing activities from, read once core has committed them: a favourite
 * (Like), a block (Block), votes (Create(Note{name})), a report (Flag), and who hears of it all (remote
 * followers, the remote accounts that voted on a poll).
 */

export async function loadAccount(ctx: CoreContext, id: string): Promise<AccountRow | undefined> {
  return ctx.db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function loadFavourite(ctx: CoreContext, id: string): Promise<Selectable<FavouritesTable> | undefined> {
  return ctx.db.selectFrom("favourites").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function loadBlock(ctx: CoreContext, id: string): Promise<Selectable<BlocksTable> | undefined> {
  return ctx.db.selectFrom("blocks").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function loadVotes(ctx: CoreContext, ids: readonly string[]): Promise<Array<Selectable<PollVotesTable>>> {
  if (ids.length === 0) return [];
  return ctx.db.selectFrom("poll_votes").selectAll().where("id", "in", ids).orderBy("choice").execute();
}

/** The status a poll belongs to. */
export async function loadPollStatusId(ctx: CoreContext, pollId: string): Promise<string | undefined> {
  return (await ctx.db.selectFrom("polls").select("status_id").where("id", "=", pollId).executeTakeFirst())?.status_id;
}

export async function loadReport(ctx: CoreContext, id: string): Promise<Selectable<ReportsTable> | undefined> {
  return ctx.db.selectFrom("reports").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The instance's owner: who speaks for the instance where Mastodon uses its instance actor (forwarded reports). */
export async function loadOwnerAccount(ctx: CoreContext): Promise<AccountRow | undefined> {
  return ctx.db
    .selectFrom("local_users")
    .innerJoin("accounts", "accounts.id", "local_users.account_id")
    .selectAll("accounts")
    .where("local_users.role", "=", "owner")
    .orderBy("accounts.id")
    .executeTakeFirst();
}

/** What a delivery to a follower needs of its account (10,000 whole rows a post were read for these). */
export type RemoteFollowerAddress = Pick<AccountRow, "id" | "domain" | "uri" | "inbox_url" | "shared_inbox_url">;

/** Every remote account that follows (accepted) a local one: the audience of its followers-addressed activities. */
export async function listRemoteFollowers(ctx: CoreContext, accountId: string): Promise<RemoteFollowerAddress[]> {
  return ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(["accounts.id", "accounts.domain", "accounts.uri", "accounts.inbox_url", "accounts.shared_inbox_url"])
    .where("follows.target_account_id", "=", accountId)
    .where("follows.state", "=", "accepted")
    .where("accounts.domain", "is not", null)
    .execute();
}

/** Remote accounts that voted on a poll: they hear of its new tallies, as Mastodon tells them. */
export async function listRemoteVoters(ctx: CoreContext, pollId: string): Promise<AccountRow[]> {
  return ctx.db
    .selectFrom("poll_votes")
    .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
    .selectAll("accounts")
    .distinct()
    .where("poll_votes.poll_id", "=", pollId)
    .where("accounts.domain", "is not", null)
    .execute();
}

/** Accounts that block this one or that it blocks: nothing it sends reaches them, nothing of theirs reaches it. */
export async function listBlockedEitherWay(ctx: CoreContext, accountId: string): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom("blocks")
    .select(["account_id", "target_account_id"])
    .where((eb) => eb.or([eb("account_id", "=", accountId), eb("target_account_id", "=", accountId)]))
    .execute();
  return new Set(rows.map((row) => (row.account_id === accountId ? row.target_account_id : row.account_id)));
}
