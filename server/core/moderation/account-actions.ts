import type { LocalUserRole } from "../../db/schema.ts";
import { accountMay } from "../accounts/roles.ts";
import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import { deleteFollow, followSnapshot } from "../relationships/follows.ts";
import type { AccountRow } from "../rows.ts";
import { write, type AfterCommit, type WriteTransaction } from "../write.ts";

/**
 * What moderators do to an account, as Mastodon's Admin::AccountAction: mark its media sensitive, disable a
 * local account's sign-in, silence (limit) it, suspend it; and each undone. A suspended or disabled local
 * account loses every token at once; what each state hides is asked of accountModeration() where it matters
 * (sign-in, tokens, visibility, the inbox, the actor document).
 */

export const ACCOUNT_ACTIONS = ["none", "sensitive", "disable", "silence", "suspend"] as const;
export type AccountActionType = (typeof ACCOUNT_ACTIONS)[number];

export interface AccountActionInput {
  type: AccountActionType;
  /** The report that led to it: resolved with it. */
  reportId?: string;
}

/** An account's moderation columns, as their own little record. */
export type ModerationState = Pick<AccountRow, "suspended_at" | "silenced_at" | "sensitized_at" | "sign_in_disabled_at" | "deleted_at">;

/** Who outranks whom: a moderator may act on members and remote accounts, the owner on everyone but themself. */
const RANK: Readonly<Record<LocalUserRole | "remote", number>> = { owner: 3, moderator: 2, member: 1, remote: 0 };

async function roleOf(db: WriteTransaction | CoreContext["db"], accountId: string): Promise<LocalUserRole | "remote"> {
  const user = await db.selectFrom("local_users").select("role").where("account_id", "=", accountId).executeTakeFirst();
  return user?.role ?? "remote";
}

/**
 * The account a moderator acts on, checked: it exists (404 first, whoever asks), the actor may suspend, and
 * the actor outranks it (no one acts on the owner, a moderator not on another moderator, no one on themself).
 */
export async function requireModeratedAccount(ctx: CoreContext, trx: WriteTransaction, actorId: string, targetId: string): Promise<AccountRow> {
  const target = await trx.selectFrom("accounts").selectAll().where("id", "=", targetId).executeTakeFirst();
  if (!target) throw new NotFound("Record not found");
  if (!(await accountMay({ ...ctx, db: trx }, actorId, "manageSuspensions"))) throw new Forbidden("Only the owner and moderators of this instance can suspend accounts.");
  if (target.id === actorId) throw new Forbidden("You cannot moderate your own account.");
  const [actorRole, targetRole] = await Promise.all([roleOf(trx, actorId), roleOf(trx, target.id)]);
  if (RANK[actorRole] <= RANK[targetRole]) throw new Forbidden(`A ${actorRole} cannot moderate the account of the ${targetRole}.`);
  return target;
}

/** Every live token of the account, revoked: a suspended or disabled account's apps are signed out. */
export async function revokeAccountTokens(trx: WriteTransaction, accountId: string, now: string): Promise<void> {
  await trx.updateTable("oauth_access_tokens").set({ revoked_at: now }).where("account_id", "=", accountId).where("revoked_at", "is", null).execute();
}

/**
 * A suspended remote account's follows of our accounts, removed with a Reject(Follow) to it, as Mastodon's
 * SuspendAccountService#reject_remote_follows!: its server does not suspend it, and would otherwise go on
 * receiving our accounts' followers-only posts. Not undone by unsuspending (no server can be made to follow
 * again); our accounts' follows of it stay, as Mastodon's do, hidden while it is suspended.
 */
async function rejectRemoteFollows(trx: WriteTransaction, after: AfterCommit, accountId: string): Promise<void> {
  const follows = await trx.selectFrom("follows").selectAll().where("account_id", "=", accountId).execute();
  for (const follow of follows) {
    await deleteFollow(trx, follow);
    after.publish({ type: "follow.rejected", follow: followSnapshot(follow) });
  }
}

/** Resolves reports as Mastodon does: the one named, or for a real action every open report on the account. */
async function resolveReports(trx: WriteTransaction, actorId: string, target: AccountRow, input: AccountActionInput, now: string): Promise<void> {
  if (input.reportId !== undefined) {
    const report = await trx.selectFrom("reports").select(["id", "target_account_id"]).where("id", "=", input.reportId).executeTakeFirst();
    if (!report || report.target_account_id !== target.id) throw new NotFound("There is no report with that id about this account.");
  }
  let query = trx
    .updateTable("reports")
    .set({ action_taken_at: now, action_taken_by_account_id: actorId, updated_at: now })
    .where("action_taken_at", "is", null)
    .where("target_account_id", "=", target.id);
  if (input.type === "none") {
    if (input.reportId === undefined) return;
    query = query.where("id", "=", input.reportId);
  }
  await query.execute();
}

/** POST /api/v1/admin/accounts/:id/action: one action, with its report resolved; the account as it now is. */
export async function performAccountAction(ctx: CoreContext, actorId: string, targetId: string, input: AccountActionInput): Promise<AccountRow> {
  if (!(ACCOUNT_ACTIONS as readonly string[]).includes(input.type)) {
    throw new Invalid(`type must be one of ${ACCOUNT_ACTIONS.join(", ")}, not "${input.type}".`);
  }
  return write(ctx, async (trx, after) => {
    const target = await requireModeratedAccount(ctx, trx, actorId, targetId);
    const now = ctx.clock.now().toISOString();
    if (input.type === "disable" && target.domain !== null) throw new Invalid("Only a local account's sign-in can be disabled.");
    const change: Partial<ModerationState> = {};
    if (input.type === "sensitive") change.sensitized_at = target.sensitized_at ?? now;
    if (input.type === "silence") change.silenced_at = target.silenced_at ?? now;
    if (input.type === "suspend") change.suspended_at = target.suspended_at ?? now;
    if (input.type === "disable") change.sign_in_disabled_at = target.sign_in_disabled_at ?? now;
    if (input.type === "suspend" || input.type === "disable") await revokeAccountTokens(trx, target.id, now);
    if (input.type === "suspend" && target.domain !== null) await rejectRemoteFollows(trx, after, target.id);
    await resolveReports(trx, actorId, target, input, now);
    if (Object.keys(change).length === 0) return target;
    return trx.updateTable("accounts").set(change).where("id", "=", target.id).returningAll().executeTakeFirstOrThrow();
  });
}

/** What each undo clears; enable, unsilence, unsuspend, unsensitive. */
const UNDOS = {
  enable: "sign_in_disabled_at",
  unsilence: "silenced_at",
  unsuspend: "suspended_at",
  unsensitive: "sensitized_at",
} as const satisfies Record<string, keyof ModerationState>;
export type AccountUndo = keyof typeof UNDOS;

export async function undoAccountAction(ctx: CoreContext, actorId: string, targetId: string, undo: AccountUndo): Promise<AccountRow> {
  return write(ctx, async (trx) => {
    const target = await requireModeratedAccount(ctx, trx, actorId, targetId);
    // A deleted account stays suspended: its data is gone, there is nothing to come back to.
    if (undo === "unsuspend" && target.deleted_at !== null) throw new Forbidden("A deleted account cannot be unsuspended.");
    return trx.updateTable("accounts").set({ [UNDOS[undo]]: null }).where("id", "=", target.id).returningAll().executeTakeFirstOrThrow();
  });
}

/** Why a local account may not sign in or use a token, in one sentence; undefined when it may. */
export function signInRefusal(account: ModerationState): string | undefined {
  if (account.deleted_at !== null) return "This account has been deleted.";
  if (account.suspended_at !== null) return "This account is suspended: it cannot sign in.";
  if (account.sign_in_disabled_at !== null) return "Your login is currently disabled.";
  return undefined;
}

/** Whether the account's server (for a remote one) or this instance's moderators have suspended it. */
export function isSuspended(account: ModerationState): boolean {
  return account.suspended_at !== null || account.deleted_at !== null;
}
