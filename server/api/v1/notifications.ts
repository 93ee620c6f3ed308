import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { NotFound } from "../../core/errors.ts";
import {
  clearNotifications,
  countUnreadNotifications,
  dismissNotification,
  getNotification,
  listNotifications,
} from "../../core/notifications/notifications.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toNotification } from "../entities/notification.ts";
import { notificationsJsonBytes } from "../entities/page-json.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { jsonBytesAnswer } from "../json-answer.ts";
import { pathId, readInput } from "../input.ts";
import { acceptAllPolicy, notificationQuery, unreadLimit } from "../notification-params.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

export interface NotificationRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

// Mastodon's notification page sizes, and the cap on unread_count.
const PAGE_LIMITS = { default: 40, max: 80 };
const UNREAD_LIMITS = { default: 100, max: 1000 };

const Notifications = { query: notificationQuery(), page: paging(PAGE_LIMITS) };
const UnreadCount = { query: notificationQuery(), limit: unreadLimit(UNREAD_LIMITS) };

/**
 * /api/v1/notifications: list (filtered by types, exclude_types, account_id), one, dismiss, clear, the unread
 * count, and the notification-requests endpoints, which answer empty since Hearth filters no one into them.
 */
export function notificationRoutes({ core, origin }: NotificationRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:notifications"), async (c) => {
    const viewer = viewerOf(c);
    const { query, page } = await readInput(c, Notifications);
    const rows = await listNotifications(core, viewer.id, query, page);
    setLinkHeader(c, rows.map((row) => row.id), clientUrl(c, origin()), page.limit);
    return jsonBytesAnswer(c, await notificationsJsonBytes(core, rows, viewer.id, origin()));
  });

  routes.get("/unread_count", requireUser("read:notifications"), async (c) => {
    const { query, limit } = await readInput(c, UnreadCount);
    return c.json({ count: await countUnreadNotifications(core, viewerOf(c).id, query, limit) });
  });

  routes.post("/clear", requireUser("write:notifications"), async (c) => {
    await clearNotifications(core, viewerOf(c).id);
    return c.json({});
  });

  const noRequest = () => {
    throw new NotFound("There are no notification requests: Hearth filters no one into them.");
  };
  routes.get("/policy", requireUser("read:notifications"), (c) => c.json(acceptAllPolicy()));
  routes.put("/policy", requireUser("write:notifications"), (c) => c.json(acceptAllPolicy()));
  routes.get("/requests", requireUser("read:notifications"), (c) => c.json([]));
  routes.get("/requests/merged", requireUser("read:notifications"), (c) => c.json({ merged: true }));
  routes.get("/requests/:id", requireUser("read:notifications"), noRequest);
  for (const path of ["/requests/accept", "/requests/dismiss"]) routes.post(path, requireUser("write:notifications"), (c) => c.json({}));
  for (const path of ["/requests/:id/accept", "/requests/:id/dismiss"]) {
    routes.post(path, requireUser("write:notifications"), noRequest);
  }

  routes.get("/:id", requireUser("read:notifications"), async (c) => {
    const viewer = viewerOf(c);
    const row = await getNotification(core, viewer.id, pathId(c));
    const entity = row ? await toNotification(core, row, viewer.id, origin()) : undefined;
    if (!entity) throw new NotFound(`There is no notification ${c.req.param("id")} of yours.`);
    return c.json(entity);
  });

  routes.post("/:id/dismiss", requireUser("write:notifications"), async (c) => {
    if (!(await dismissNotification(core, viewerOf(c).id, pathId(c)))) throw new NotFound(`There is no notification ${c.req.param("id")} of yours.`);
    return c.json({});
  });

  return routes;
}
