import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import {
  cancelScheduledStatus,
  getScheduledStatus,
  listScheduledStatuses,
  loadScheduledMedia,
  rescheduleStatus,
} from "../../core/statuses/scheduled-statuses.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toScheduledStatus } from "../entities/scheduled-status.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { pathId, presentText, readInput } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

export interface ScheduledStatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const Page = { page: paging() };
const Reschedule = { scheduled_at: presentText() };

/** /api/v1/scheduled_statuses: the viewer's statuses waiting for their time; moved or cancelled. */
export function scheduledStatusRoutes({ core, origin }: ScheduledStatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const { page } = await readInput(c, Page);
    const rows = await listScheduledStatuses(core, viewer.id, page);
    setLinkHeader(c, rows.map((row) => row.id), clientUrl(c, origin()), page.limit);
    const media = await loadScheduledMedia(core, rows);
    return c.json(rows.map((row) => toScheduledStatus(row, media, origin())));
  });

  routes.get("/:id", requireUser("read:statuses"), async (c) => {
    const row = await getScheduledStatus(core, viewerOf(c).id, pathId(c));
    if (!row) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json(toScheduledStatus(row, await loadScheduledMedia(core, [row]), origin()));
  });

  routes.put("/:id", requireUser("write:statuses"), async (c) => {
    const id = pathId(c);
    const { scheduled_at: scheduledAt } = await readInput(c, Reschedule);
    if (!(await getScheduledStatus(core, viewerOf(c).id, id))) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    if (!scheduledAt) throw new Invalid("scheduled_at is missing: say when the status should be posted.");
    const row = await rescheduleStatus(core, viewerOf(c).id, id, scheduledAt);
    if (!row) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json(toScheduledStatus(row, await loadScheduledMedia(core, [row]), origin()));
  });

  routes.delete("/:id", requireUser("write:statuses"), async (c) => {
    if (!(await cancelScheduledStatus(core, viewerOf(c).id, pathId(c)))) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json({});
  });

  return routes;
}
