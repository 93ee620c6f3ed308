import type { CoreContext } from "../context.ts";
import type { SignInFailureRow } from "../rows.ts";
import { write } from "../write.ts";

/** How many failures are kept: the owner reads the recent ones, and guesses by the thousand must not fill the disk. */
export const KEPT_SIGN_IN_FAILURES = 100;
// Enough to recognise what was typed or who sent it; more is only room for an attacker's filler.
const USERNAME_KEPT = 64;
const USER_AGENT_KEPT = 256;
const ADDRESS_KEPT = 64;

/** Who tried to sign in, as the server knows them. */
export interface SignInClient {
  /** Cloudflare's Cf-Connecting-IP through the tunnel, else the socket's address. */
  address: string;
  userAgent: string | null;
}

function cut(text: string, length: number): string {
  const characters = [...text];
  return characters.length <= length ? text : `${characters.slice(0, length - 1).join("")}…`;
}

/** Records a wrong username or password, and lets go of all but the newest KEPT_SIGN_IN_FAILURES. */
export async function recordSignInFailure(ctx: CoreContext, username: string, client: SignInClient): Promise<void> {
  await write(ctx, async (trx) => {
    const { id } = await trx
      .insertInto("sign_in_failures")
      .values({
        created_at: ctx.clock.now().toISOString(),
        username: cut(username, USERNAME_KEPT),
        address: cut(client.address, ADDRESS_KEPT),
        user_agent: client.userAgent === null ? null : cut(client.userAgent, USER_AGENT_KEPT),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.deleteFrom("sign_in_failures").where("id", "<=", id - KEPT_SIGN_IN_FAILURES).execute();
  });
}

/** The newest failures first. */
export async function listSignInFailures(ctx: CoreContext, limit = KEPT_SIGN_IN_FAILURES): Promise<SignInFailureRow[]> {
  return ctx.db.selectFrom("sign_in_failures").selectAll().orderBy("id", "desc").limit(limit).execute();
}
