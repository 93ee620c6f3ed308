import { Forbidden, Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountRow, MuteRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Mutes: a local account stops seeing another's posts (and, unless it says otherwise, its notifications),
 * for good or until a time. Nothing is federated; a mute is private. An expired mute counts as gone and
 * is deleted the next time the muter's mutes are touched.
 */


// Mastodon refuses durations past what its timestamps hold; a century is past any real wish.
const MAX_DURATION_SECONDS = 100 * 365 * 24 * 60 * 60;

export interface MuteOptions {
  /** Also hide the account's notifications (Mastodon's default: true). */
  notifications?: boolean;
  /** Seconds until the mute lifts itself; 0 or absent for no end. */
  durationSeconds?: number;
}

async function purgeExpired(ctx: CoreContext, accountId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("mutes").where("account_id", "=", accountId).where("expires_at", "<=", ctx.clock.now().toISOString()).execute());
}

/** A local account mutes another; muting again replaces the options and the end time, as on Mastodon. */
export async function muteAccount(ctx: CoreContext, accountId: string, targetAccountId: string, options: MuteOptions = {}): Promise<MuteRow> {
  if (accountId === targetAccountId) throw new Forbidden("You cannot mute yourself.");
  const duration = options.durationSeconds ?? 0;
  if (!Number.isInteger(duration) || duration < 0 || duration > MAX_DURATION_SECONDS) {
    throw new Invalid("The duration must be a whole number of seconds, 0 for a mute without end.");
  }
  const now = ctx.clock.now();
  const expiresAt = duration === 0 ? null : new Date(now.getTime() + duration * 1000).toISOString();
  const hideNotifications = options.notifications === false ? 0 : 1;
  await purgeExpired(ctx, accountId);
  return write(ctx, async (trx) => {
    const target = await trx.selectFrom("accounts").select("id").where("id", "=", targetAccountId).executeTakeFirst();
    if (!target) throw new NotFound(`There is no account with id ${targetAccountId}.`);
    const existing = await trx
      .selectFrom("mutes")
      .select("id")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetAccountId)
      .executeTakeFirst();
    if (existing) {
      return trx
        .updateTable("mutes")
        .set({ hide_notifications: hideNotifications, expires_at: expiresAt })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return trx
      .insertInto("mutes")
      .values({
        id: ctx.ids.next(now),
        account_id: accountId,
        target_account_id: targetAccountId,
        hide_notifications: hideNotifications,
        expires_at: expiresAt,
        created_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function unmuteAccount(ctx: CoreContext, accountId: string, targetAccountId: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("mutes").where("account_id", "=", accountId).where("target_account_id", "=", targetAccountId).execute());
}

export interface MutePage {
  items: Array<{ mute: MuteRow; account: AccountRow }>;
}

/** Accounts a local account mutes, newest mute first, paged by mute id. */
export async function listMutes(ctx: CoreContext, accountId: string, page: PageRequest): Promise<MutePage> {
  await purgeExpired(ctx, accountId);
  const rows = await pageQuery(
    ctx.db
      .selectFrom("mutes")
      .innerJoin("accounts", "accounts.id", "mutes.target_account_id")
      .selectAll("accounts")
      .select([
        "mutes.id as mute_id",
        "mutes.hide_notifications as mute_hide_notifications",
        "mutes.expires_at as mute_expires_at",
        "mutes.created_at as mute_created_at",
      ])
      .where("mutes.account_id", "=", accountId),
    "mutes.id",
    page,
  ).execute();
  return {
    items: pageRows(rows, page).map(({ mute_id, mute_hide_notifications, mute_expires_at, mute_created_at, ...account }) => ({
      mute: {
        id: mute_id,
        account_id: accountId,
        target_account_id: account.id,
        hide_notifications: mute_hide_notifications,
        expires_at: mute_expires_at,
        created_at: mute_created_at,
      },
      account,
    })),
  };
}
