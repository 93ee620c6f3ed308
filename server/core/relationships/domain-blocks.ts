import { Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { deleteFollow, followSnapshot } from "./follows.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountDomainBlockRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * A local account's own domain blocks (it stops hearing from a whole server, Mastodon's account domain
 * blocks). The instance's are core/moderation/instance-domain-blocks.ts.
 */


/**
 * A domain as stored: the host name, lower-cased and in punycode, with its port if it has one. A URL is
 * accepted for its host, as apps sometimes send one.
 */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/^@/, "");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = trimmed === "" || !URL.canParse(withScheme) ? undefined : new URL(withScheme);
  if (!url || url.username || url.password || (!url.hostname.includes(".") && url.hostname !== "localhost")) {
    throw new Invalid(`"${input}" is not a domain; write it as example.social.`);
  }
  return url.host.toLowerCase();
}

/**
 * A local account blocks a domain. As Mastodon's AfterBlockDomainFromAccountService does, follows both ways
 * with accounts there end (their servers hear an Undo(Follow) or a Reject) and notifications from there go.
 */
export async function blockDomain(ctx: CoreContext, accountId: string, domainInput: string): Promise<AccountDomainBlockRow> {
  const domain = normaliseDomain(domainInput);
  return write(ctx, async (trx, after) => {
    const local = await trx.selectFrom("accounts").selectAll().where("id", "=", accountId).where("domain", "is", null).executeTakeFirst();
    if (!local) throw new NotFound(`There is no local account with id ${accountId}.`);
    const existing = await trx.selectFrom("account_domain_blocks").selectAll().where("account_id", "=", accountId).where("domain", "=", domain).executeTakeFirst();
    if (existing) return existing;
    const onDomain = (column: "follows.account_id" | "follows.target_account_id") =>
      trx
        .selectFrom("follows")
        .innerJoin("accounts", "accounts.id", column)
        .selectAll("follows")
        .where((eb) => eb(eb.fn("lower", ["accounts.domain"]), "=", domain));
    const follows = [
      ...(await onDomain("follows.target_account_id").where("follows.account_id", "=", accountId).execute()),
      ...(await onDomain("follows.account_id").where("follows.target_account_id", "=", accountId).execute()),
    ];
    for (const follow of follows) {
      await deleteFollow(trx, follow);
      // The local account was the follower (Undo) or the one followed (Reject).
      after.publish({ type: follow.account_id === accountId ? "follow.undone" : "follow.rejected", follow: followSnapshot(follow) });
    }
    await trx
      .deleteFrom("notifications")
      .where("account_id", "=", accountId)
      .where("from_account_id", "in", (eb) => eb.selectFrom("accounts").select("id").where((inner) => inner(inner.fn("lower", ["domain"]), "=", domain)))
      .execute();
    const now = ctx.clock.now();
    const block = await trx
      .insertInto("account_domain_blocks")
      .values({ id: ctx.ids.next(now), account_id: accountId, domain, created_at: now.toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return block;
  });
}

export async function unblockDomain(ctx: CoreContext, accountId: string, domainInput: string): Promise<void> {
  const domain = normaliseDomain(domainInput);
  await write(ctx, (trx) => trx.deleteFrom("account_domain_blocks").where("account_id", "=", accountId).where("domain", "=", domain).execute());
}

/** A local account's blocked domains, newest first, paged by block id. */
export async function listDomainBlocks(ctx: CoreContext, accountId: string, page: PageRequest): Promise<AccountDomainBlockRow[]> {
  const rows = await pageQuery(ctx.db.selectFrom("account_domain_blocks").selectAll().where("account_id", "=", accountId), "id", page).execute();
  return pageRows(rows, page);
}
