import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import type { AccountRow } from "../rows.ts";

const HANDLE = /^@?([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@([^@\s/?#]+)$/i;

/**
 * The remote account a person named, as `@user@domain` or an actor's (or profile's) URL, looked up on its
 * server through the guarded fetch (WebFinger for a handle). Invalid, with the address in the sentence, when
 * it is neither, names this instance, or no actor answers there. For aliases and moves, which must point at
 * an account that exists, on another server.
 */
export async function resolveRemoteAccount(ctx: CoreContext, address: string, origin: string): Promise<AccountRow> {
  const typed = address.trim();
  const localHost = new URL(origin).host.toLowerCase();
  const handle = HANDLE.exec(typed);
  let account: AccountRow | null;
  if (handle?.[1] && handle[2]) {
    if (handle[2].toLowerCase() === localHost) throw new Invalid(`${typed} is an account of this server: name an account on another server.`);
    account = await ctx.ports.remote.resolveHandle(handle[1], handle[2].toLowerCase()).catch(() => null);
  } else if (/^https?:\/\//i.test(typed) && URL.canParse(typed)) {
    if (new URL(typed).host.toLowerCase() === localHost) throw new Invalid(`${typed} is an account of this server: name an account on another server.`);
    const resolved = await ctx.ports.remote.resolveUrl(typed).catch(() => null);
    account = resolved?.kind === "account" ? resolved.account : null;
  } else {
    throw new Invalid(`"${typed}" is neither an address like @name@example.social nor an account's URL.`);
  }
  if (!account?.uri || account.domain === null) throw new Invalid(`No account answers at ${typed}: check the address, and that its server is up.`);
  return account;
}
