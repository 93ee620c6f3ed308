import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid } from "../errors.ts";
import type { AccountRow } from "../rows.ts";
import { write } from "../write.ts";
import { resolveRemoteAccount } from "./account-address.ts";

/**
 * A local account's aliases (alsoKnownAs): the accounts it says it also is. Listing an old account here is
 * what lets that account move to this one, as on Mastodon and GoToSocial.
 */

/** GoToSocial's and Mastodon's bound on aliases. */
export const ALIASES_MAX = 20;

/** The alsoKnownAs ids an account row holds (ours or a peer's). */
export function aliasesOf(account: Pick<AccountRow, "also_known_as_json">): string[] {
  try {
    const parsed: unknown = JSON.parse(account.also_known_as_json);
    return Array.isArray(parsed) ? parsed.filter((alias): alias is string => typeof alias === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Replaces a local account's aliases with `addresses` (handles or URLs; an empty list clears them). Each new
 * one must be a real account on another server, looked up there; aliases already held are kept as they are.
 * Followers hear an Update(Person), and so does each newly named account's server, at once, so that it can
 * check the alias before it sends its Move.
 */
export async function setAliases(ctx: CoreContext, accountId: string, addresses: readonly string[], options: { origin: string }): Promise<AccountRow> {
  const typed = [...new Set(addresses.map((address) => address.trim()).filter((address) => address !== ""))];
  if (typed.length > ALIASES_MAX) throw new Invalid(`An account has at most ${ALIASES_MAX} aliases, not ${typed.length}.`);
  const account = await ctx.db.selectFrom("accounts").selectAll().where("id", "=", accountId).where("domain", "is", null).executeTakeFirst();
  if (!account) throw new Forbidden("Only accounts of this instance have aliases here.");
  const held = new Set(aliasesOf(account));
  const ownUri = `${options.origin}/users/${account.username}`;

  const uris: string[] = [];
  const added: AccountRow[] = [];
  for (const address of typed) {
    if (held.has(address)) {
      uris.push(address);
      continue;
    }
    const alias = await resolveRemoteAccount(ctx, address, options.origin);
    if (alias.uri === ownUri) throw new Invalid("An account cannot be an alias of itself.");
    if (!alias.uri || uris.includes(alias.uri)) continue;
    uris.push(alias.uri);
    if (!held.has(alias.uri)) added.push(alias);
  }

  return write(ctx, async (trx, after) => {
    const updated = await trx
      .updateTable("accounts")
      .set({ also_known_as_json: JSON.stringify(uris), updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    after.publish({ type: "account.updated", accountId, alsoToAccountIds: added.map((alias) => alias.id) });
    return updated;
  });
}
