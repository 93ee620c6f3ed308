import { sql } from "kysely";
import { isBlockedEitherWay } from "../relationships/account-barriers.ts";
import type { CoreContext } from "../context.ts";
import { findAccountByUri, findRemoteAccountByHandle, isStale } from "../accounts/remote-accounts.ts";
import type { AccountRow } from "../rows.ts";

/**
 * Finding accounts by what a person types: a handle (name@host, optionally looked up with WebFinger), an
 * actor or profile URL (optionally fetched), or words matched against usernames and display names of the
 * accounts this instance knows.
 */

export interface AccountSearch {
  query: string;
  limit: number;
  offset?: number;
  /** Look handles and URLs up on their servers when they are not stored (or stale). */
  resolve: boolean;
  /** Only accounts the viewer follows. */
  followingOnly?: boolean;
  /** The signed-in account, or null; accounts blocking it, or blocked by it, are left out. */
  viewerId: string | null;
  /** Our own origin: handles on this host, and URLs under it, are local accounts. */
  origin: string;
}

const HANDLE = /^@?([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([^@\s/?#]+))?$/i;

/** Looks a handle or URL up as one account: stored first, then (with resolve) on its server. */
async function exactMatch(ctx: CoreContext, search: AccountSearch): Promise<AccountRow | undefined> {
  const query = search.query.trim();
  const localHost = new URL(search.origin).host.toLowerCase();
  if (/^https?:\/\//i.test(query)) {
    if (!URL.canParse(query)) return undefined;
    const url = new URL(query);
    if (url.host.toLowerCase() === localHost) {
      const username = /^\/(?:@|users\/)([^/]+)\/?$/.exec(url.pathname)?.[1];
      return username ? findLocal(ctx, decodeURIComponent(username)) : undefined;
    }
    const stored = (await findAccountByUri(ctx, url.href)) ?? (await ctx.db.selectFrom("accounts").selectAll().where("url", "=", url.href).executeTakeFirst());
    if (stored && !(search.resolve && isStale(ctx, stored))) return stored;
    if (!search.resolve) return stored;
    const resolved = await ctx.ports.remote.resolveUrl(url.href).catch(() => null);
    return resolved?.kind === "account" ? resolved.account : stored;
  }
  const match = HANDLE.exec(query);
  if (!match?.[1]) return undefined;
  const [, username, domain] = match;
  if (!domain || domain.toLowerCase() === localHost) return findLocal(ctx, username);
  const known = await findRemoteAccountByHandle(ctx, username, domain);
  if (known && !(search.resolve && isStale(ctx, known))) return known;
  if (!search.resolve) return known;
  // A peer that is down or answers nonsense leaves the search with what we have.
  const resolved = await ctx.ports.remote.resolveHandle(username, domain.toLowerCase()).catch(() => null);
  return resolved ?? known;
}

async function findLocal(ctx: CoreContext, username: string): Promise<AccountRow | undefined> {
  return ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .where("domain", "is", null)
    .executeTakeFirst();
}

function likePattern(text: string, anywhere: boolean): string {
  const escaped = text.replace(/[\\%_]/g, (character) => `\\${character}`);
  return anywhere ? `%${escaped}%` : `${escaped}%`;
}

/**
 * Accounts for a search: the exact match (if any) first, then accounts whose username starts with, or whose
 * display name contains, the words; followed accounts before others, then local ones, then the newest.
 */
export async function searchAccounts(ctx: CoreContext, search: AccountSearch): Promise<AccountRow[]> {
  const query = search.query.trim();
  if (query === "") return [];
  const offset = search.offset ?? 0;
  const exact = offset === 0 ? await exactMatch(ctx, search) : undefined;
  const viewerId = search.viewerId;
  const words = query.replace(/^@/, "").split("@")[0] ?? "";
  let rows: AccountRow[] = [];
  if (words !== "" && !/^https?:\/\//i.test(query)) {
    let builder = ctx.db
      .selectFrom("accounts")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(sql<string>`username`, "like", sql<string>`${likePattern(words, false)} ESCAPE '\\'`),
          eb(sql<string>`display_name`, "like", sql<string>`${likePattern(words, true)} ESCAPE '\\'`),
        ]),
      )
      // Handles a peer gave up (name~id after an account was re-created) are not anyone's now.
      .where("username", "not like", "%~%");
    if (viewerId !== null) {
      builder = builder
        .where("id", "not in", (eb) => eb.selectFrom("blocks").select("target_account_id").where("account_id", "=", viewerId))
        .where("id", "not in", (eb) => eb.selectFrom("blocks").select("account_id").where("target_account_id", "=", viewerId));
    }
    if (search.followingOnly && viewerId !== null) {
      builder = builder.where("id", "in", (eb) => eb.selectFrom("follows").select("target_account_id").where("account_id", "=", viewerId).where("state", "=", "accepted"));
    }
    builder = builder.orderBy(sql`lower(username) = ${words.toLowerCase()}`, "desc");
    if (viewerId !== null) {
      builder = builder.orderBy(sql`exists (select 1 from follows where follows.account_id = ${viewerId} and follows.target_account_id = accounts.id)`, "desc");
    }
    rows = await builder
      .orderBy(sql`domain is null`, "desc")
      .orderBy("id", "desc")
      .limit(search.limit + 1)
      .offset(offset)
      .execute();
  }
  const excluded = exact && (await isExcluded(ctx, exact, search));
  const results = exact && !excluded ? [exact, ...rows.filter((row) => row.id !== exact.id)] : rows;
  return results.slice(0, search.limit);
}

async function isExcluded(ctx: CoreContext, account: AccountRow, search: AccountSearch): Promise<boolean> {
  const viewerId = search.viewerId;
  if (viewerId === null) return false;
  if (await isBlockedEitherWay(ctx.db, viewerId, account.id)) return true;
  if (!search.followingOnly) return false;
  const follow = await ctx.db
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", viewerId)
    .where("target_account_id", "=", account.id)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  return follow === undefined;
}

/**
 * The account for an acct as Mastodon's lookup takes it: `name` or `name@ourhost` for a local account,
 * `name@host` for a remote one, looked up with WebFinger only when we have never stored it.
 */
export async function lookupAccount(ctx: CoreContext, acct: string, origin: string): Promise<AccountRow | undefined> {
  const match = HANDLE.exec(acct.trim());
  if (!match?.[1]) return undefined;
  const [, username, domain] = match;
  if (!domain || domain.toLowerCase() === new URL(origin).host.toLowerCase()) return findLocal(ctx, username);
  const known = await findRemoteAccountByHandle(ctx, username, domain);
  if (known) return known;
  return (await ctx.ports.remote.resolveHandle(username, domain.toLowerCase()).catch(() => null)) ?? undefined;
}
