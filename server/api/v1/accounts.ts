import { Hono } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import { lookupAccount, searchAccounts } from "../../core/search/account-search.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, NotFound } from "../../core/errors.ts";
import { familiarFollowers, getRelationships } from "../../core/relationships/relationships.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, normaliseId, readInput, requiredText, textList } from "../input.ts";
import { offset, offsetLimit } from "../offset-paging.ts";
import { accountById, accountParam, viewerOf } from "../request-accounts.ts";
import { renderCredentialAccount } from "../entities/credential-account.ts";
import { renderAccount, renderAccounts } from "../entities/account-list.ts";
import { toRelationship } from "../entities/relationship.ts";

export interface AccountRoutesDependencies {
  core: CoreContext;
  /** The origin entity URLs are built on: the canonical one once the instance is published. */
  origin(): string;
}

/** Mastodon's account search limits (GET /api/v1/accounts/search). */
const SEARCH_LIMITS = { default: 40, max: 80 };

const AccountIds = { id: textList() };
const Lookup = { acct: requiredText("Give the account to look up as acct=name or acct=name@host.") };
const Search = { q: requiredText("Give the words or handle to search for as q.", { trim: true }), limit: offsetLimit(SEARCH_LIMITS), offset: offset(), resolve: flag(false), following: flag(false) };

/**
 * /api/v1/accounts: the signed-in account, others by id, handle or search, and how they relate. The
 * endpoints that act on an account (follow, block, ...), its collections (followers, ...), its statuses and
 * update_credentials are in accounts-relationships.ts, accounts-collections.ts, account-statuses.ts and
 * accounts-credentials.ts, mounted beside this at the same path (api/routes.ts).
 */
export function accountRoutes({ core, origin }: AccountRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  // "profile" is Mastodon's narrow scope that allows this endpoint alone.
  routes.get("/verify_credentials", requireUser("read:accounts", "profile"), async (c) => {
    const account = viewerOf(c);
    const user = await getLocalUser(core, account.id);
    if (!user) throw new Forbidden("This method requires a local account");
    return c.json(await renderCredentialAccount(core, account, user, origin()));
  });

  // Several accounts at once (Mastodon 4.3), public; unknown ids are left out.
  routes.get("/", async (c) => {
    const ids = [...new Set((await readInput(c, AccountIds)).id ?? [])].slice(0, 40);
    const rows = (await Promise.all(ids.map((id) => accountById(core, id)))).filter((row) => row !== undefined);
    return c.json(await renderAccounts(core, rows, origin()));
  });

  // Public, as on Mastodon: apps look a handle up before anyone signs in.
  routes.get("/lookup", async (c) => {
    const { acct } = await readInput(c, Lookup);
    const account = await lookupAccount(core, acct, origin());
    if (!account) throw new NotFound(`There is no account ${acct} known here.`);
    return c.json(await renderAccount(core, account, origin()));
  });

  routes.get("/search", requireUser("read:accounts"), async (c) => {
    const input = await readInput(c, Search);
    const accounts = await searchAccounts(core, {
      query: input.q,
      limit: input.limit,
      offset: input.offset,
      resolve: input.resolve,
      followingOnly: input.following,
      viewerId: viewerOf(c).id,
      origin: origin(),
    });
    return c.json(await renderAccounts(core, accounts, origin()));
  });

  routes.get("/relationships", requireUser("read:follows"), async (c) => {
    // Ids that cannot be ours are left out, as unknown ones are.
    const ids = ((await readInput(c, AccountIds)).id ?? []).flatMap((id) => normaliseId(id) ?? []);
    const relationships = await getRelationships(core, viewerOf(c).id, ids);
    return c.json(relationships.map(toRelationship));
  });

  routes.get("/familiar_followers", requireUser("read:follows"), async (c) => {
    // Answered by the ids as sent, which the app matches its accounts by.
    const ids = [...new Set((await readInput(c, AccountIds)).id ?? [])];
    const viewer = viewerOf(c);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const account = await accountById(core, id);
        const accounts = account ? await familiarFollowers(core, viewer.id, account.id) : [];
        return { id, accounts: await renderAccounts(core, accounts, origin()) };
      }),
    );
    return c.json(answers);
  });

  // Public: any profile can be read, with or without a token, as Mastodon hides none from those it blocks.
  routes.get("/:id", async (c) => {
    const account = await accountParam(core, c.req.param("id"));
    return c.json(await renderAccount(core, account, origin()));
  });

  return routes;
}
