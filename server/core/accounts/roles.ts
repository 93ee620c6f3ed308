import type { LocalUserRole } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import type { AccountRow, LocalUserRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Who may do what on a Hearth, in one table: every owner-only endpoint and every "tell the moderators"
 * asks here rather than comparing roles itself, so a new role or a moved duty is one line.
 *
 * The owner may do everything; a moderator handles reports, blocks and suspensions (Mastodon's Moderator
 * role: manage_reports, manage_users, manage_blocks); a member only their own account, which needs no
 * permission at all.
 */
export type Permission =
  /** The instance's name, rules and other settings; custom emoji. */
  | "manageSettings"
  /** The tunnel: how the whole instance is reached. */
  | "manageTunnel"
  /** Backups and restores of the whole data directory. */
  | "manageBackups"
  /** Invite links: who may join. */
  | "manageInvites"
  /** Giving and taking roles; removing members. */
  | "manageRoles"
  /** Where the data directory is on the owner's disk, and the version running. */
  | "viewDataDirectory"
  /** Who guessed wrong passwords, from where. */
  | "viewSignInFailures"
  /** The report queue. */
  | "manageReports"
  /** Domain and account blocks for the whole instance. */
  | "manageBlocks"
  /** Suspending, silencing, disabling accounts. */
  | "manageSuspensions";

const MODERATION: readonly Permission[] = ["manageReports", "manageBlocks", "manageSuspensions"];

const GRANTS: Readonly<Record<LocalUserRole, ReadonlySet<Permission>>> = {
  owner: new Set<Permission>([
    "manageSettings",
    "manageTunnel",
    "manageBackups",
    "manageInvites",
    "manageRoles",
    "viewDataDirectory",
    "viewSignInFailures",
    ...MODERATION,
  ]),
  moderator: new Set<Permission>(MODERATION),
  member: new Set<Permission>(),
};

export const ROLES: readonly LocalUserRole[] = ["owner", "moderator", "member"];

export function roleMay(role: LocalUserRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Whether a local account holds the permission; remote and unknown accounts hold none. */
export async function accountMay(ctx: CoreContext, accountId: string, permission: Permission): Promise<boolean> {
  const user = await ctx.db.selectFrom("local_users").select("role").where("account_id", "=", accountId).executeTakeFirst();
  return user !== undefined && roleMay(user.role, permission);
}

/** The local accounts that hold a permission (who hears of a new report, for one). */
export async function listAccountsThatMay(ctx: Pick<CoreContext, "db">, permission: Permission): Promise<string[]> {
  const roles = ROLES.filter((role) => roleMay(role, permission));
  const rows = await ctx.db.selectFrom("local_users").select("account_id").where("role", "in", roles).orderBy("account_id").execute();
  return rows.map((row) => row.account_id);
}

/**
 * The owner gives or takes the moderator role. Ownership is not handed over this way (there is one owner,
 * and a second "owner" would be a second person able to delete the first), and the owner's own role stays.
 */
export async function changeRole(ctx: CoreContext, actorId: string, targetId: string, role: LocalUserRole): Promise<LocalUserRow> {
  if (!(await accountMay(ctx, actorId, "manageRoles"))) throw new Forbidden("Only the owner of this instance can change who holds which role.");
  if (role === "owner") throw new Invalid("There is one owner: give moderator or member.");
  return write(ctx, async (trx) => {
    const user = await trx.selectFrom("local_users").selectAll().where("account_id", "=", targetId).executeTakeFirst();
    if (!user) throw new NotFound("There is no local account with that id.");
    if (user.role === "owner") throw new Invalid("The owner's role does not change.");
    if (user.role === role) return user;
    return trx.updateTable("local_users").set({ role }).where("account_id", "=", targetId).returningAll().executeTakeFirstOrThrow();
  });
}

/** Every local account and its role, oldest first: the owner's list of the household. */
export async function listLocalUsers(ctx: CoreContext): Promise<Array<{ account: AccountRow; role: LocalUserRole }>> {
  const rows = await ctx.db
    .selectFrom("local_users")
    .innerJoin("accounts", "accounts.id", "local_users.account_id")
    .selectAll("accounts")
    .select("local_users.role as local_role")
    .orderBy("accounts.id")
    .execute();
  return rows.map(({ local_role, ...account }) => ({ account, role: local_role }));
}
