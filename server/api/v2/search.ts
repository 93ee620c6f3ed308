import { Hono } from "hono";
import { searchAccounts } from "../../core/search/account-search.ts";
import type { CoreContext } from "../../core/context.ts";
import { hasOperators, parseSearchQuery, plainWords } from "../../core/search/search-query.ts";
import { findStatusByUrl, searchStatusText } from "../../core/search/status-search.ts";
import { getStatusRow } from "../../core/statuses/status-store.ts";
import { canViewStatus } from "../../core/visibility/status-visibility.ts";
import { searchTags } from "../../core/search/tag-search.ts";
import { scopeIfToken } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toStatuses } from "../entities/status.ts";
import { renderTags } from "../entities/tag-list.ts";
import { mastodonError } from "../mastodon-error.ts";
import { flag, later, oneOf, readInput, requiredText, text } from "../input.ts";
import { offset, offsetLimit } from "../offset-paging.ts";
import { paging } from "../pagination.ts";
import { accountById } from "../request-accounts.ts";
import type { AccountRow, StatusRow, TagRow } from "../../core/rows.ts";

const TYPES = ["accounts", "statuses", "hashtags"] as const;
type SearchType = (typeof TYPES)[number];

const Search = {
  q: requiredText("Give the words, handle or address to search for as q.", { trim: true }),
  type: oneOf(TYPES, (type) => `type must be one of ${TYPES.join(", ")}, not "${type}".`),
  resolve: flag(false),
  offset: offset(),
  limit: offsetLimit({ default: 20, max: 40 }),
  following: later(flag(false)),
  account_id: text(),
  // Statuses page by id as well (max_id, min_id), and only they.
  page: later(paging({ default: 20, max: 40 })),
};

interface Found {
  accounts: AccountRow[];
  statuses: StatusRow[];
  hashtags: TagRow[];
}

/**
 * GET /api/v2/search: accounts, statuses and hashtags. A URL is looked up as one object (and, with
 * resolve=true, fetched from its server); words search accounts by name, hashtags by their start, and
 * statuses by their text and Mastodon's operators among what the viewer may see, best match first. Public without resolve and offset, as on Mastodon;
 * statuses only for a signed-in viewer.
 */
export function searchV2Routes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", scopeIfToken("read:search"), async (c) => {
    const viewer = c.get("auth")?.account ?? null;
    const input = await readInput(c, Search);
    const { q: query, type, resolve, offset, limit } = input;
    if (!viewer && (resolve || offset > 0)) return mastodonError(c, 401, "Search with resolve or offset requires a signed-in user");
    const wants = (kind: SearchType) => type === undefined || type === kind;

    const found: Found = { accounts: [], statuses: [], hashtags: [] };
    if (/^https?:\/\/\S+$/i.test(query)) {
      await findByUrl(query, viewer, resolve, found);
    } else {
      // Mastodon's operators (from:, has:, in:, "phrases", -words...) apply to statuses; accounts and
      // hashtags are searched by the words alone. A bad operator is a 422 with a sentence (core's Invalid).
      const parsed = wants("statuses") && viewer ? parseSearchQuery(query) : undefined;
      const words = parsed && hasOperators(parsed) ? plainWords(parsed) : query;
      if (wants("accounts") && words !== "") {
        found.accounts = await searchAccounts(core, {
          query: words,
          limit,
          offset,
          resolve,
          followingOnly: input.following(),
          viewerId: viewer?.id ?? null,
          origin: origin(),
        });
      }
      if (wants("hashtags") && words !== "" && !words.startsWith("@")) found.hashtags = await searchTags(core, words, { limit, offset }, viewer?.id ?? null);
      if (parsed && viewer) {
        const account = input.account_id ? await accountById(core, input.account_id) : undefined;
        if (input.account_id && !account) return c.json({ accounts: [], statuses: [], hashtags: [] });
        const page = input.page();
        found.statuses = await searchStatusText(core, {
          query: parsed,
          viewerId: viewer.id,
          origin: origin(),
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
      const row = await getStatusRow(core, resolved.statusId);
      if (row && (await canViewStatus(core.db, row, viewerId))) found.statuses = [row];
    }
  }

  return routes;
}
