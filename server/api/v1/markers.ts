import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { getMarkers, MARKER_TIMELINES, saveMarkers, type MarkerTimeline } from "../../core/timelines/markers.ts";
import { requireUser } from "../auth.ts";
import { toMarkers } from "../entities/marker.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { nestedHash, nestedText, nestedTextList, readNestedParams } from "../nested-params.ts";
import { viewerOf } from "../request-accounts.ts";
import { normaliseId } from "../status-requests.ts";

/** GET and POST /api/v1/markers: where the account left off in home and notifications. */
export function markerRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:statuses"), async (c) => {
    const asked = nestedTextList(await readNestedParams(c), "timeline") ?? [];
    const timelines = MARKER_TIMELINES.filter((timeline) => asked.includes(timeline));
    return c.json(toMarkers(await getMarkers(core, viewerOf(c).id, timelines)));
  });

  routes.post("/", requireUser("write:statuses"), async (c) => {
    const params = await readNestedParams(c);
    const positions: Partial<Record<MarkerTimeline, string>> = {};
    for (const timeline of MARKER_TIMELINES) {
      const marker = nestedHash(params, timeline);
      const lastReadId = marker ? normaliseId(nestedText(marker, "last_read_id")) : undefined;
      if (lastReadId) positions[timeline] = lastReadId;
    }
    return c.json(toMarkers(await saveMarkers(core, viewerOf(c).id, positions)));
  });

  return routes;
}
