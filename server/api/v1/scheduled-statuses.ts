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
import { nestedText, readNestedParams } from "../nested-params.ts";
import { readPageRequest, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";
import { normaliseId } from "../status-requests.ts";

export interface ScheduledStatusRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

/** /api/v1/scheduled_statuses: the viewer's statuses waiting for their time; moved or cancelled. */
export function scheduledStatusRoutes({ core, origin }: ScheduledStatusRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:statuses"), async (c) => {
    const viewer = viewerOf(c);
    const page = readPageRequest(await readNestedParams(c));
    const rows = await listScheduledStatuses(core, viewer.id, page);
    setLinkHeader(c, rows.map((row) => row.id), clientUrl(c, origin()), page.limit);
    const media = await loadScheduledMedia(core, rows);
    return c.json(rows.map((row) => toScheduledStatus(row, media, origin())));
  });

  routes.get("/:id", requireUser("read:statuses"), async (c) => {
    const id = normaliseId(c.req.param("id"));
    const row = id ? await getScheduledStatus(core, viewerOf(c).id, id) : undefined;
    if (!row) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json(toScheduledStatus(row, await loadScheduledMedia(core, [row]), origin()));
  });

  routes.put("/:id", requireUser("write:statuses"), async (c) => {
    const id = normaliseId(c.req.param("id"));
    const scheduledAt = nestedText(await readNestedParams(c), "scheduled_at");
    if (!id || !(await getScheduledStatus(core, viewerOf(c).id, id))) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    if (!scheduledAt) throw new Invalid("scheduled_at is missing: say when the status should be posted.");
    const row = await rescheduleStatus(core, viewerOf(c).id, id, scheduledAt);
    if (!row) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json(toScheduledStatus(row, await loadScheduledMedia(core, [row]), origin()));
  });

  routes.delete("/:id", requireUser("write:statuses"), async (c) => {
    const id = normaliseId(c.req.param("id"));
    if (!id || !(await cancelScheduledStatus(core, viewerOf(c).id, id))) throw new NotFound(`There is no scheduled status ${c.req.param("id")} of yours.`);
    return c.json({});
  });

  return routes;
}
