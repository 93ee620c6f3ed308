import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { NotFound } from "../../core/errors.ts";
import {
  countUnreadNotifications,
  DEFAULT_GROUPED_TYPES,
  dismissNotificationGroup,
  listNotificationGroupAccountIds,
  listNotificationGroups,
} from "../../core/notifications/notifications.ts";
import { getAccountsByIds } from "../../core/statuses/status-bundle.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toGroupedNotifications } from "../entities/notification.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, textList } from "../input.ts";
import { acceptAllPolicy, notificationQuery, unreadLimit } from "../notification-params.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

export interface GroupedNotificationRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const PAGE_LIMITS = { default: 40, max: 80 };
const UNREAD_LIMITS = { default: 100, max: 1000 };

const Groups = { query: notificationQuery(), grouped_types: textList(), page: paging(PAGE_LIMITS) };
const UnreadCount = { query: notificationQuery(), limit: unreadLimit(UNREAD_LIMITS) };
const GroupAccounts = { page: paging(PAGE_LIMITS) };

/** /api/v2/notifications: notifications grouped by group key (favourites and boosts of one status, follows). */
export function groupedNotificationRoutes({ core, origin }: GroupedNotificationRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:notifications"), async (c) => {
    const viewer = viewerOf(c);
    const input = await readInput(c, Groups);
    const page = input.page;
    const groups = await listNotificationGroups(core, viewer.id, { ...input.query, groupedTypes: input.grouped_types ?? [...DEFAULT_GROUPED_TYPES] }, page);
    // Pages continue below the oldest notification shown and above the newest, as Mastodon's v2 pages.
    const first = groups[0];
    const last = groups.at(-1);
    if (first && last) setLinkHeader(c, [first.pageMaxId, last.pageMinId], clientUrl(c, origin()), page.limit, groups.length);
    return c.json(await toGroupedNotifications(core, groups, viewer.id, origin()));
  });

  routes.get("/unread_count", requireUser("read:notifications"), async (c) => {
    const { query, limit } = await readInput(c, UnreadCount);
    return c.json({ count: await countUnreadNotifications(core, viewerOf(c).id, query, limit) });
  });

  routes.get("/policy", requireUser("read:notifications"), (c) => c.json(acceptAllPolicy()));
  routes.patch("/policy", requireUser("write:notifications"), (c) => c.json(acceptAllPolicy()));

  routes.get("/:group_key", requireUser("read:notifications"), async (c) => {
    const viewer = viewerOf(c);
    const groups = await listNotificationGroups(
      core,
      viewer.id,
      { groupedTypes: [...DEFAULT_GROUPED_TYPES], groupKey: c.req.param("group_key") },
      { maxId: null, sinceId: null, minId: null, limit: 1 },
    );
    if (groups.length === 0) throw new NotFound(`There is no notification group ${c.req.param("group_key")} of yours.`);
    return c.json(await toGroupedNotifications(core, groups, viewer.id, origin()));
  });

  routes.post("/:group_key/dismiss", requireUser("write:notifications"), async (c) => {
    if (!(await dismissNotificationGroup(core, viewerOf(c).id, c.req.param("group_key")))) throw new NotFound(`There is no notification group ${c.req.param("group_key")} of yours.`);
    return c.json({});
  });

  routes.get("/:group_key/accounts", requireUser("read:notifications"), async (c) => {
    const viewer = viewerOf(c);
    const page = (await readInput(c, GroupAccounts)).page;
    const groupKey = c.req.param("group_key");
    const rows = await listNotificationGroupAccountIds(core, viewer.id, groupKey, page);
    // An empty page past the group's end is an answer; a group the viewer does not have is not found.
    if (rows.length === 0 && (await listNotificationGroupAccountIds(core, viewer.id, groupKey, { maxId: null, sinceId: null, minId: null, limit: 1 })).length === 0) {
      throw new NotFound(`There is no notification group ${c.req.param("group_key")} of yours.`);
    }
    setLinkHeader(c, rows.map((row) => row.id), clientUrl(c, origin()), page.limit);
    const accounts = await getAccountsByIds(core, [...new Set(rows.map((row) => row.from_account_id))]);
    const ordered = [...new Set(rows.map((row) => row.from_account_id))].flatMap((id) => {
      const account = accounts.get(id);
      return account ? [account] : [];
    });
    return c.json(await renderAccounts(core, ordered, origin()));
  });

  return routes;
}
