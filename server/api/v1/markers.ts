import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { getMarkers, MARKER_TIMELINES, saveMarkers, type MarkerTimeline } from "../../core/timelines/markers.ts";
import { requireUser } from "../auth.ts";
import { toMarkers } from "../entities/marker.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { hash, normaliseId, readInput, text, textList } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

const Timelines = { timeline: textList() };

/** Where the account left off, per timeline: the id last read (one that cannot be ours is left out). */
const Marker = hash({ last_read_id: text() });
const Positions = { home: Marker, notifications: Marker };

/** GET and POST /api/v1/markers: where the account left off in home and notifications. */
export function markerRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:statuses"), async (c) => {
    const asked = (await readInput(c, Timelines)).timeline ?? [];
    const timelines = MARKER_TIMELINES.filter((timeline) => asked.includes(timeline));
    return c.json(toMarkers(await getMarkers(core, viewerOf(c).id, timelines)));
  });

  routes.post("/", requireUser("write:statuses"), async (c) => {
    const input = await readInput(c, Positions);
    const positions: Partial<Record<MarkerTimeline, string>> = {};
    for (const timeline of MARKER_TIMELINES) {
      const lastReadId = normaliseId(input[timeline]?.last_read_id);
      if (lastReadId) positions[timeline] = lastReadId;
    }
    return c.json(toMarkers(await saveMarkers(core, viewerOf(c).id, positions)));
  });

  return routes;
}
