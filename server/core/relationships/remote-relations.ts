import { aliasesOf } from "../accounts/aliases.ts";
import { listAccountsThatMay } from "../accounts/roles.ts";
import type { CoreContext } from "../context.ts";
import { moveLocalFollowers } from "./follower-moves.ts";
import { notify } from "../notifications/notifications.ts";
import { write } from "../write.ts";

/**
 * What remote accounts do to accounts: move to a new address, report one of ours (their blocks are
 * blocks.ts's recordIncomingBlock). Each is idempotent: a redelivered activity changes nothing the second
 * time.
 */

/** Usernames of local accounts following an account (accepted or requested), at most `limit`. */
export async function listLocalFollowerUsernames(ctx: CoreContext, accountId: string, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("accounts.username")
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is", null)
    .orderBy("follows.id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.username);
}

export interface RemoteMove {
  /** The account that moved (remote). */
  accountId: string;
  /** Where it moved: its row must be fresh, since its alsoKnownAs is what proves the move. */
  targetAccountId: string;
  /** Our canonical origin, under which the new Follow activities' ids live. */
  origin: string;
  /** The target's ActivityPub id: an account of ours keeps no uri in its row. */
  targetUri: string;
}

export interface MoveResult {
  /** Local accounts whose follow moved to the new account. */
  movedFollowerIds: string[];
}

/**
 * A remote account moved (Move). Only when the new account lists the old one in alsoKnownAs, as Mastodon
 * requires; then each local follower of the old account follows the new one (keeping its options) and stops
 * following the old one. Undefined when the move is not proven.
 */
export async function recordMove(ctx: CoreContext, move: RemoteMove): Promise<MoveResult | undefined> {
  const [origin, target] = await Promise.all([
    ctx.db.selectFrom("accounts").selectAll().where("id", "=", move.accountId).executeTakeFirst(),
    ctx.db.selectFrom("accounts").selectAll().where("id", "=", move.targetAccountId).executeTakeFirst(),
  ]);
  if (!origin?.uri || origin.domain === null || !target || target.id === origin.id) return undefined;
  if (!aliasesOf(target).includes(origin.uri)) return undefined;
  await write(ctx, (trx) => trx.updateTable("accounts").set({ moved_to_uri: target.uri ?? move.targetUri }).where("id", "=", origin.id).execute());

  const movedFollowerIds = await moveLocalFollowers(ctx, origin.id, target.id, move.origin);
  return { movedFollowerIds };
}

export interface RemoteFlag {
  /** Who reported: the remote actor that sent the Flag (often the peer's instance actor). */
  accountId: string;
  /** The local account reported. */
  targetAccountId: string;
  /** Local statuses of the target named in the Flag. */
  statusIds: readonly string[];
  comment: string;
  /** The Flag activity's id. */
  uri: string | null;
}

/**
 * A peer reported one of our accounts (Flag): stored as a report, and the owner is told ("admin.report").
 * A Flag already stored (same id) is not stored again. Undefined when the target is not local.
 */
export async function recordFlag(ctx: CoreContext, flag: RemoteFlag): Promise<string | undefined> {
  return write(ctx, async (trx, after) => {
    const target = await trx.selectFrom("accounts").select(["id", "domain"]).where("id", "=", flag.targetAccountId).executeTakeFirst();
    if (!target || target.domain !== null) return undefined;
    if (flag.uri) {
      const existing = await trx.selectFrom("reports").select("id").where("uri", "=", flag.uri).executeTakeFirst();
      if (existing) return existing.id;
    }
    const statuses =
      flag.statusIds.length === 0
        ? []
        : await trx.selectFrom("statuses").select("id").where("id", "in", flag.statusIds).where("account_id", "=", target.id).execute();
    const now = ctx.clock.now().toISOString();
    const reportId = ctx.ids.next();
    await trx
      .insertInto("reports")
      .values({
        id: reportId,
        account_id: flag.accountId,
        target_account_id: target.id,
        status_ids_json: JSON.stringify(statuses.map((row) => row.id)),
        comment: flag.comment,
        category: "other",
        forward: 0,
        uri: flag.uri,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const moderatorId of await listAccountsThatMay({ db: trx }, "manageReports")) {
      await notify(ctx, trx, after, { accountId: moderatorId, type: "admin.report", fromAccountId: flag.accountId, reportId });
    }
    return reportId;
  });
}
