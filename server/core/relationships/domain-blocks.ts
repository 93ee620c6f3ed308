import { Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { deleteFollow, followSnapshot } from "./follows.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { AccountDomainBlockRow, InstanceDomainBlockRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Domain blocks of two kinds: a local account's own (it stops hearing from a whole server, Mastodon's
 * account domain blocks) and the instance's (nothing from the domain is stored or delivered).
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

// The instance's own domain blocks.

/** The domain and every parent domain: a block of example.com covers social.example.com. */
function domainAndParents(domain: string): string[] {
  const host = domain.replace(/:\d+$/, "");
  const candidates = host === domain ? [domain] : [domain, host];
  // An address has no parent domains; a name's parents stop before the top-level domain.
  if (/^[\d.]+$/.test(host) || host.startsWith("[")) return candidates;
  const labels = host.split(".");
  for (let index = 1; index < labels.length - 1; index++) candidates.push(labels.slice(index).join("."));
  return candidates;
}

/** Whether the instance refuses a domain (or a parent of it). */
export async function isInstanceDomainBlocked(ctx: CoreContext, domainInput: string): Promise<boolean> {
  const domain = normaliseDomain(domainInput);
  const row = await ctx.db.selectFrom("instance_domain_blocks").select("id").where("domain", "in", domainAndParents(domain)).executeTakeFirst();
  return row !== undefined;
}

export async function blockInstanceDomain(ctx: CoreContext, domainInput: string, reason: string | null = null): Promise<InstanceDomainBlockRow> {
  const domain = normaliseDomain(domainInput);
  const now = ctx.clock.now();
  return write(ctx, (trx) =>
    trx
      .insertInto("instance_domain_blocks")
      .values({ id: ctx.ids.next(now), domain, reason, created_at: now.toISOString() })
      .onConflict((oc) => oc.column("domain").doUpdateSet({ reason }))
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

export async function unblockInstanceDomain(ctx: CoreContext, domainInput: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("instance_domain_blocks").where("domain", "=", normaliseDomain(domainInput)).execute());
}
