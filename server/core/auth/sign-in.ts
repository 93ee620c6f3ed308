import type { CoreContext } from "../context.ts";
import { findLocalAccountByUsername, getLocalUser } from "../accounts/accounts.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { AccountRow } from "../rows.ts";

// Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

/** The local account these credentials belong to, or undefined for a wrong username or password. */
export async function signIn(ctx: CoreContext, username: string, password: string): Promise<AccountRow | undefined> {
  const account = await findLocalAccountByUsername(ctx, username);
  const user = account ? await getLocalUser(ctx, account.id) : undefined;
  if (!account || !user) {
    decoyHash ??= hashPassword("decoy password for unknown usernames");
    await verifyPassword(password, await decoyHash);
    return undefined;
  }
  return (await verifyPassword(password, user.password_hash)) ? account : undefined;
}
