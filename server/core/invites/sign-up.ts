import { findLocalAccountByUsername, insertLocalAccount, prepareLocalAccount, validatePassword, validateUsername } from "../accounts/accounts.ts";
import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import { getInstance } from "../instance/instance.ts";
import { followAccount } from "../relationships/follows.ts";
import type { AccountRow, InviteRow } from "../rows.ts";
import { write } from "../write.ts";
import { requireUsableInvite } from "./invites.ts";

// Names people would take for the instance's own voice (Mastodon reserves admin, support, root and the like).
const RESERVED_USERNAMES = new Set([
  "admin",
  "administrator",
  "root",
  "owner",
  "hearth",
  "support",
  "help",
  "webmaster",
  "postmaster",
  "abuse",
  "security",
  "mod",
  "moderator",
  "instance",
  "localhost",
]);

// Mastodon's limit for a display name.
export const DISPLAY_NAME_MAX = 30;

export interface InvitedSignUp {
  code: string;
  username: string;
  password: string;
  displayName?: string;
  /** The instance's public origin: its host is a name of the instance, and the autofollow's id lives under it. */
  origin: string;
}

/** The instance's own names, lowercased: its host, the host's first label, and its title. */
async function instanceNames(ctx: CoreContext, origin: string): Promise<string[]> {
  const instance = await getInstance(ctx);
  const hosts = [new URL(origin).hostname, ...(instance?.canonical_origin ? [new URL(instance.canonical_origin).hostname] : [])];
  return [...hosts, ...hosts.map((host) => host.split(".")[0] ?? host), ...(instance ? [instance.name] : [])].map((name) => name.toLowerCase());
}

/** Refuses a username a new member may not take: malformed, reserved, or taken (in any letter case). */
async function checkUsernameFree(ctx: CoreContext, username: string, origin: string): Promise<void> {
  validateUsername(username);
  const lower = username.toLowerCase();
  if (RESERVED_USERNAMES.has(lower) || (await instanceNames(ctx, origin)).includes(lower)) {
    throw new Invalid(`The username ${username} is reserved on this instance; choose another.`);
  }
  if (await findLocalAccountByUsername(ctx, username)) throw new Invalid(`The username ${username} is taken on this instance; choose another.`);
}

export interface SignedUp {
  account: AccountRow;
  invite: InviteRow;
}

/**
 * A new member, by an invite: a full local account (actor, keys) with the role member, the invite's use
 * counted, and the inviter followed when the invite says so; all in one transaction, or nothing at all.
 */
export async function signUpWithInvite(ctx: CoreContext, input: InvitedSignUp): Promise<SignedUp> {
  await requireUsableInvite(ctx, input.code);
  await checkUsernameFree(ctx, input.username, input.origin);
  validatePassword(input.password);
  const displayName = input.displayName?.trim() || undefined;
  if (displayName !== undefined && [...displayName].length > DISPLAY_NAME_MAX) {
    throw new Invalid(`The display name is too long: use at most ${DISPLAY_NAME_MAX} characters.`);
  }
  const prepared = await prepareLocalAccount({ username: input.username, password: input.password, role: "member", displayName });
  return write(ctx, async (trx) => {
    const inner = { ...ctx, db: trx };
    // Again inside the transaction: the invite's last use or the username may have gone while the keys were made.
    const invite = await requireUsableInvite(inner, input.code);
    await checkUsernameFree(inner, input.username, input.origin);
    const account = await insertLocalAccount(ctx, trx, prepared);
    // Kept for the admin API's invited_by.
    await trx.updateTable("local_users").set({ invite_id: invite.id }).where("account_id", "=", account.id).execute();
    const counted = await trx
      .updateTable("invites")
      .set((eb) => ({ uses: eb("uses", "+", 1) }))
      .where("id", "=", invite.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (invite.autofollow === 1) await followAccount(inner, account.id, invite.inviter_account_id, { origin: input.origin });
    return { account, invite: counted };
  });
}
