import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid } from "../errors.ts";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import { moveLocalFollowers } from "../relationships/follower-moves.ts";
import type { AccountRow } from "../rows.ts";
import { write } from "../write.ts";
import { resolveRemoteAccount } from "./account-address.ts";
import { aliasesOf } from "./aliases.ts";

/**
 * A local account moving out to an account elsewhere, as Mastodon's MoveService: the target must list this
 * account in its alsoKnownAs, checked on a fresh copy; the account then points there (movedTo), followers
 * hear a Move, and local followers follow the target at once. A moved account is read-only until the move is
 * undone; it can still be read, exported and deleted.
 */

/** Mastodon's AccountMigration::COOLDOWN_PERIOD: one move per 30 days, counted from the last one made. */
export const MOVE_COOLDOWN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

async function loadLocalAccount(ctx: CoreContext, accountId: string): Promise<AccountRow> {
  const account = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", accountId).where("domain", "is", null).executeTakeFirst();
  if (!account) throw new Forbidden("Only accounts of this instance can move from here.");
  return account;
}

/** Refuses what a moved account may no longer do (post, follow, boost, favourite, vote), as Mastodon does. */
export async function requireNotMoved(db: Kysely<DatabaseSchema>, accountId: string): Promise<void> {
  const account = await db.selectFrom("accounts").select(["domain", "moved_to_uri"]).where("id", "=", accountId).executeTakeFirst();
  if (account?.domain === null && account.moved_to_uri !== null) {
    throw new Forbidden(`This account has moved to ${account.moved_to_uri} and can no longer post, follow, boost or favourite; undo the move in Settings to use it again.`);
  }
}

/** When the account may move again, if its last move was too recent. */
async function cooldownEnd(ctx: CoreContext, accountId: string): Promise<Date | undefined> {
  const last = await ctx.db
    .selectFrom("account_migrations")
    .select("created_at")
    .where("account_id", "=", accountId)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!last) return undefined;
  const end = new Date(Date.parse(last.created_at) + MOVE_COOLDOWN_DAYS * DAY_MS);
  return end > ctx.clock.now() ? end : undefined;
}

export interface AccountMove {
  account: AccountRow;
  target: AccountRow;
  /** Local accounts whose follow moved to the target. */
  movedFollowerIds: string[];
}

/**
 * Moves a local account to `targetAddress` (a handle or URL of an account elsewhere). The caller has checked
 * the password. Invalid with a sentence for a cooldown, a target that is this account or where it already
 * points, or a target that does not list this account as an alias.
 */
export async function moveAccount(ctx: CoreContext, accountId: string, targetAddress: string, options: { origin: string }): Promise<AccountMove> {
  const account = await loadLocalAccount(ctx, accountId);
  const until = await cooldownEnd(ctx, accountId);
  if (until) {
    throw new Invalid(`This account moved less than ${MOVE_COOLDOWN_DAYS} days ago; it can move again from ${until.toISOString().slice(0, 10)}.`);
  }
  const named = await resolveRemoteAccount(ctx, targetAddress, options.origin);
  if (account.moved_to_uri === named.uri) throw new Invalid(`This account has already moved to ${named.uri}.`);
  // Its alsoKnownAs may have been set a moment ago: read it from its server now, not from a cache.
  const target = named.uri ? await ctx.ports.remote.refreshActor(named.uri, account.username).catch(() => null) : null;
  if (!target?.uri) throw new Invalid(`${targetAddress.trim()} could not be fetched again from its server just now; try again later.`);
  const ownUri = `${options.origin}/users/${account.username}`;
  if (!aliasesOf(target).includes(ownUri)) {
    throw new Invalid(`${target.uri} does not list this account as an alias: add ${ownUri} to its aliases (alsoKnownAs) on its server first.`);
  }
  const targetUri = target.uri;

  const moved = await write(ctx, async (trx, after) => {
    const now = ctx.clock.now().toISOString();
    const migrationId = ctx.ids.next();
    await trx.insertInto("account_migrations").values({ id: migrationId, account_id: accountId, target_uri: targetUri, created_at: now }).execute();
    const updated = await trx
      .updateTable("accounts")
      .set({ moved_to_uri: targetUri, updated_at: now })
      .where("id", "=", accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // As Mastodon's MoveService: the profile (now with movedTo) first, then the Move itself.
    after.publish({ type: "account.updated", accountId });
    after.publish({ type: "account.moved", accountId, targetUri, migrationId });
    return updated;
  });
  const movedFollowerIds = await moveLocalFollowers(ctx, accountId, target.id, options.origin);
  return { account: moved, target, movedFollowerIds };
}

/** Undoes a move (Mastodon's "cancel redirect"): movedTo is cleared and followers hear the profile again. */
export async function cancelMove(ctx: CoreContext, accountId: string): Promise<AccountRow> {
  const account = await loadLocalAccount(ctx, accountId);
  if (account.moved_to_uri === null) throw new Invalid("This account has not moved, so there is no move to undo.");
  return write(ctx, async (trx, after) => {
    const updated = await trx
      .updateTable("accounts")
      .set({ moved_to_uri: null, updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    after.publish({ type: "account.updated", accountId });
    return updated;
  });
}

/**
 * The accounts these movedTo ids name, by id, among those this instance knows: a remote one by its uri, one
 * of ours by its actor URL under `origin` (its row keeps no uri).
 */
export async function loadMoveTargets(ctx: CoreContext, uris: readonly string[], origin: string): Promise<Map<string, AccountRow>> {
  const wanted = [...new Set(uris)];
  const targets = new Map<string, AccountRow>();
  if (wanted.length === 0) return targets;
  const remote = await ctx.db.selectFrom("accounts").selectAll().where("uri", "in", wanted).execute();
  for (const row of remote) if (row.uri) targets.set(row.uri, row);
  const localPrefix = `${origin}/users/`;
  const localNames = wanted.filter((uri) => uri.startsWith(localPrefix) && !targets.has(uri)).map((uri) => uri.slice(localPrefix.length));
  if (localNames.length > 0) {
    const local = await ctx.db.selectFrom("accounts").selectAll().where("domain", "is", null).where("username", "in", localNames).execute();
    for (const row of local) targets.set(`${localPrefix}${row.username}`, row);
  }
  return targets;
}
