import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { revokeAccountTokens } from "../moderation/account-actions.ts";
import type { AccountRow } from "../rows.ts";
import { emitStatusRemoved } from "../statuses/fan-out.ts";
import { storedFilesOf } from "../media/media.ts";
import { removeStatus } from "../statuses/status-removal.ts";
import { write, type WriteTransaction } from "../write.ts";
import { accountMay } from "./roles.ts";

/** Statuses removed per transaction: the inbox and the API wait on the one connection meanwhile. */
const STATUSES_PER_TRANSACTION = 200;

/** How far back the accounts it wrote to, boosted or favourited are told of its deletion too. */
const RECENT_INTERACTION_MS = 90 * 24 * 60 * 60 * 1000;

/** Not a scrypt hash: no password matches it, so a deleted account can never be signed in to again. */
const NO_PASSWORD = "deleted";

/**
 * What a local account's deletion removes besides its statuses, as (table, column) pairs: everything it made
 * and everything others made about it. Reports about it and by it stay (the moderators' record), as do its
 * account row and keys (below).
 */
const OWNED_ROWS = [
  ["oauth_access_tokens", "account_id"],
  ["oauth_authorization_codes", "account_id"],
  ["follows", "account_id"],
  ["follows", "target_account_id"],
  ["blocks", "account_id"],
  ["blocks", "target_account_id"],
  ["mutes", "account_id"],
  ["mutes", "target_account_id"],
  ["favourites", "account_id"],
  ["bookmarks", "account_id"],
  ["status_pins", "account_id"],
  ["reactions", "account_id"],
  ["poll_votes", "account_id"],
  ["notifications", "account_id"],
  ["notifications", "from_account_id"],
  ["home_feed", "account_id"],
  ["account_domain_blocks", "account_id"],
  ["list_accounts", "account_id"],
  ["lists", "account_id"],
  ["filters", "account_id"],
  ["markers", "account_id"],
  ["tag_follows", "account_id"],
  ["conversation_mutes", "account_id"],
  ["scheduled_statuses", "account_id"],
  ["account_conversations", "account_id"],
  ["push_subscriptions", "account_id"],
  ["account_notes", "account_id"],
  ["account_notes", "target_account_id"],
  ["account_endorsements", "account_id"],
  ["account_endorsements", "target_account_id"],
  ["idempotency_keys", "account_id"],
  ["invites", "inviter_account_id"],
] as const;

/** A deleted account as it now is, and the files under the media folder it leaves, for the caller to remove after the commit. */
export interface DeletedAccount {
  account: AccountRow;
  files: string[];
}

/**
 * Deletes a local account as Mastodon's DeleteAccountService does for a local user: Delete(Person) goes to
 * the servers that know it (see remoteCorrespondents); its statuses, follows, media rows, lists and the
 * rest are removed. The account row stays, marked deleted and suspended, so the username is never given
 * again and its key still signs the Delete while that is retried; its actor then answers 410 Gone.
 */
async function deleteLocalAccount(ctx: CoreContext, target: AccountRow): Promise<DeletedAccount> {
  const files = [target.avatar_file, target.header_file].filter((file): file is string => file !== null);
  const account = await write(ctx, async (trx, after) => {
    const now = ctx.clock.now().toISOString();
    const recipientAccountIds = await remoteCorrespondents(trx, target.id, new Date(ctx.clock.now().getTime() - RECENT_INTERACTION_MS).toISOString());
    await revokeAccountTokens(trx, target.id, now);
    for (const [table, column] of OWNED_ROWS) {
      await trx.deleteFrom(table).where(column, "=", target.id).execute();
    }
    const unattached = await trx
      .deleteFrom("media_attachments")
      .where("account_id", "=", target.id)
      .where("status_id", "is", null)
      .returning(["file", "thumbnail_file"])
      .execute();
    files.push(...unattached.flatMap((row) => storedFilesOf(row)));
    await trx.updateTable("local_users").set({ password_hash: NO_PASSWORD }).where("account_id", "=", target.id).execute();
    const row = await trx
      .updateTable("accounts")
      .set({
        deleted_at: now,
        suspended_at: target.suspended_at ?? now,
        display_name: "",
        note: "",
        note_source: "",
        fields_json: "[]",
        avatar_file: null,
        header_file: null,
        updated_at: now,
      })
      .where("id", "=", target.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    after.publish({ type: "account.deleted", accountId: target.id, recipientAccountIds });
    return row;
  });
  for (;;) {
    const removed = await write(ctx, async (trx, after) => {
      const batch = await trx.selectFrom("statuses").select("id").where("account_id", "=", target.id).orderBy("id").limit(STATUSES_PER_TRANSACTION).execute();
      for (const { id } of batch) {
        const status = await removeStatus(trx, id);
        if (status) emitStatusRemoved(after, status);
      }
      return batch.length;
    });
    if (removed < STATUSES_PER_TRANSACTION) break;
  }
  const media = await write(ctx, (trx) => trx.deleteFrom("media_attachments").where("account_id", "=", target.id).returning(["file", "thumbnail_file"]).execute());
  files.push(...media.flatMap((row) => storedFilesOf(row)));
  return { account, files };
}

/**
 * Who hears the account's Delete(Person): the remote accounts that follow it or that it follows (requests
 * included), as Mastodon's delivery_inboxes, and those it mentioned, replied to, boosted or favourited since
 * `since`. Mastodon also sends it, at low priority, to every inbox it knows; the recent ones are the servers
 * likely to hold its posts in threads and notifications, without a queue of every server ever seen.
 * Deliveries go to shared inboxes, so each server hears it once.
 */
async function remoteCorrespondents(trx: WriteTransaction, accountId: string, since: string): Promise<string[]> {
  const remote = (ids: readonly string[]) =>
    ids.length === 0 ? Promise.resolve([]) : trx.selectFrom("accounts").select("id").where("id", "in", ids).where("domain", "is not", null).execute();
  const recent = await trx
    .selectFrom("statuses")
    .leftJoin("statuses as boosted", "boosted.id", "statuses.reblog_of_id")
    .select(["statuses.in_reply_to_account_id as repliedTo", "boosted.account_id as boosted"])
    .where("statuses.account_id", "=", accountId)
    .where("statuses.created_at", ">=", since)
    .execute();
  const mentioned = await trx
    .selectFrom("mentions")
    .innerJoin("statuses", "statuses.id", "mentions.status_id")
    .select("mentions.account_id")
    .where("statuses.account_id", "=", accountId)
    .where("statuses.created_at", ">=", since)
    .execute();
  const favourited = await trx
    .selectFrom("favourites")
    .innerJoin("statuses", "statuses.id", "favourites.status_id")
    .select("statuses.account_id")
    .where("favourites.account_id", "=", accountId)
    .where("favourites.created_at", ">=", since)
    .execute();
  const interacted = new Set<string>();
  for (const row of recent) {
    if (row.repliedTo) interacted.add(row.repliedTo);
    if (row.boosted) interacted.add(row.boosted);
  }
  for (const row of [...mentioned, ...favourited]) interacted.add(row.account_id);
  const rows = await trx
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("accounts.id")
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is not", null)
    .union(
      trx
        .selectFrom("follows")
        .innerJoin("accounts", "accounts.id", "follows.target_account_id")
        .select("accounts.id")
        .where("follows.account_id", "=", accountId)
        .where("accounts.domain", "is not", null),
    )
    .execute();
  const ids = new Set(rows.map((row) => row.id));
  for (const row of await remote([...interacted].filter((id) => !ids.has(id)))) ids.add(row.id);
  return [...ids];
}

async function requireDeletableLocalAccount(ctx: CoreContext, accountId: string): Promise<{ account: AccountRow; isOwner: boolean }> {
  const account = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
  if (!account) throw new NotFound("Record not found");
  const user = await ctx.db.selectFrom("local_users").select("role").where("account_id", "=", accountId).executeTakeFirst();
  return { account, isOwner: user?.role === "owner" };
}

/** A member deletes their own account, with their password (Mastodon's settings form asks for it too). */
export async function deleteOwnAccount(ctx: CoreContext, accountId: string, password: string): Promise<DeletedAccount> {
  const { account, isOwner } = await requireDeletableLocalAccount(ctx, accountId);
  if (isOwner) throw new Forbidden("The owner's account cannot be deleted: it is the instance itself.");
  const user = await ctx.db.selectFrom("local_users").select("password_hash").where("account_id", "=", accountId).executeTakeFirstOrThrow();
  if (!password) throw new Invalid("Type your password to delete your account.");
  if (!(await verifyPassword(password, user.password_hash))) throw new Forbidden("Wrong password: the account was not deleted.");
  return deleteLocalAccount(ctx, account);
}

/**
 * DELETE /api/v1/admin/accounts/:id: the owner removes a member already suspended, as Mastodon asks
 * (AccountPolicy#destroy?: suspended, and delete_user_data, which is the owner's).
 */
export async function deleteAccountAsOwner(ctx: CoreContext, actorId: string, accountId: string): Promise<DeletedAccount> {
  const { account, isOwner } = await requireDeletableLocalAccount(ctx, accountId);
  if (!(await accountMay(ctx, actorId, "manageRoles"))) throw new Forbidden("Only the owner of this instance can delete accounts.");
  if (isOwner) throw new Forbidden("The owner's account cannot be deleted.");
  if (account.domain !== null) throw new Invalid("Only local accounts are deleted here; a remote account stays suspended.");
  if (account.deleted_at !== null) throw new Invalid("This account is already deleted.");
  if (account.suspended_at === null) throw new Forbidden("Suspend the account before deleting it.");
  return deleteLocalAccount(ctx, account);
}
