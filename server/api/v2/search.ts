import { Hono } from "hono";
import { searchAccounts } from "../../core/search/account-search.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { findStatusByUrl, searchStatusText } from "../../core/search/status-search.ts";
import { canViewStatus } from "../../core/visibility/status-visibility.ts";
import { searchTags } from "../../core/search/tag-search.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toStatuses } from "../entities/status.ts";
import { renderTags } from "../entities/tag-list.ts";
import { mastodonError } from "../mastodon-error.ts";
import { nestedBoolean, nestedText, readNestedParams } from "../nested-params.ts";
import { readLimit, readOffset } from "../offset-paging.ts";
import { readPageRequest } from "../pagination.ts";
import { accountById } from "../request-accounts.ts";
import { scopeIfToken } from "../status-requests.ts";
import type { AccountRow, StatusRow, TagRow } from "../../core/rows.ts";

const TYPES = ["accounts", "statuses", "hashtags"] as const;
type SearchType = (typeof TYPES)[number];

interface Found {
  accounts: AccountRow[];
  statuses: StatusRow[];
  hashtags: TagRow[];
}

/**
 * GET /api/v2/search: accounts, statuses and hashtags. A URL is looked up as one object (and, with
 * resolve=true, fetched from its server); words search accounts by name, hashtags by their start, and
 * statuses by their text among what the viewer may see. Public without resolve and offset, as on Mastodon;
 * statuses only for a signed-in viewer.
 */
export function searchV2Routes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", scopeIfToken("read:search"), async (c) => {
    const viewer = c.get("auth")?.account ?? null;
    const params = await readNestedParams(c);
    const query = nestedText(params, "q")?.trim();
    if (!query) throw new Invalid("Give the words, handle or address to search for as q.");
    const type = nestedText(params, "type");
    if (type !== undefined && !(TYPES as readonly string[]).includes(type)) {
      throw new Invalid(`type must be one of ${TYPES.join(", ")}, not "${type}".`);
    }
    const resolve = nestedBoolean(params, "resolve") ?? false;
    const offset = readOffset(nestedText(params, "offset"));
    if (!viewer && (resolve || offset > 0)) return mastodonError(c, 401, "Search with resolve or offset requires a signed-in user");
    const limit = readLimit(nestedText(params, "limit"), { default: 20, max: 40 });
    const wants = (kind: SearchType) => type === undefined || type === kind;

    const found: Found = { accounts: [], statuses: [], hashtags: [] };
    if (/^https?:\/\/\S+$/i.test(query)) {
      await findByUrl(query, viewer, resolve, found);
    } else {
      if (wants("accounts")) {
        found.accounts = await searchAccounts(core, {
          query,
          limit,
          offset,
          resolve,
          followingOnly: nestedBoolean(params, "following") ?? false,
          viewerId: viewer?.id ?? null,
          origin: origin(),
        });
      }
      if (wants("hashtags") && !query.startsWith("@")) found.hashtags = await searchTags(core, query, { limit, offset }, viewer?.id ?? null);
      if (wants("statuses") && viewer) {
        const accountIdParam = nestedText(params, "account_id");
        const account = accountIdParam ? await accountById(core, accountIdParam) : undefined;
        if (accountIdParam && !account) return c.json({ accounts: [], statuses: [], hashtags: [] });
        const page = readPageRequest(params, { default: 20, max: 40 });
        found.statuses = await searchStatusText(core, {
          query,
          viewerId: viewer.id,
          limit,
          offset,
          accountId: account?.id ?? null,
          maxId: page.maxId,
          minId: page.minId,
        });
      }
    }

    const viewerId = viewer?.id ?? null;
    return c.json({
      accounts: wants("accounts") ? await renderAccounts(core, found.accounts, origin()) : [],
      statuses: wants("statuses") ? await toStatuses(core, found.statuses, viewerId, origin(), { filterContext: "public" }) : [],
      hashtags: wants("hashtags") ? await renderTags(core, found.hashtags, origin(), viewerId) : [],
    });
  });

  /** A URL names one account or one status: as stored, else (with resolve) fetched from where it lives. */
  async function findByUrl(url: string, viewer: AccountRow | null, resolve: boolean, found: Found): Promise<void> {
    const viewerId = viewer?.id ?? null;
    const status = await findStatusByUrl(core, url, viewerId, origin());
    if (status) {
      found.statuses = [status];
      return;
    }
    const [account] = await searchAccounts(core, { query: url, limit: 1, resolve: false, viewerId, origin: origin() });
    if (account) {
      found.accounts = [account];
      return;
    }
    if (!resolve || !viewer) return;
    // A server that is down or answers nonsense leaves the search empty rather than failing it.
    const resolved = await core.ports.remote.resolveUrl(url).catch(() => null);
    if (resolved?.kind === "account") found.accounts = [resolved.account];
    if (resolved?.kind === "status") {
      const row = await core.db.selectFrom("statuses").selectAll().where("id", "=", resolved.statusId).executeTakeFirst();
      if (row && (await canViewStatus(core.db, row, viewerId))) found.statuses = [row];
    }
  }

  return routes;
}
