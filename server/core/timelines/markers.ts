import type { MarkersTable } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { MarkerRow } from "../rows.ts";
import { write } from "../write.ts";

/** Where an account left off reading its home timeline and notifications, shared by all its apps. */

export type MarkerTimeline = MarkersTable["timeline"];
export const MARKER_TIMELINES: readonly MarkerTimeline[] = ["home", "notifications"];

export async function getMarkers(ctx: CoreContext, accountId: string, timelines: readonly MarkerTimeline[]): Promise<MarkerRow[]> {
  if (timelines.length === 0) return [];
  return ctx.db.selectFrom("markers").selectAll().where("account_id", "=", accountId).where("timeline", "in", timelines).execute();
}

/** Saves the given positions; each save counts up the marker's version, as Mastodon's does. */
export async function saveMarkers(ctx: CoreContext, accountId: string, positions: Partial<Record<MarkerTimeline, string>>): Promise<MarkerRow[]> {
  const now = ctx.clock.now().toISOString();
  return write(ctx, async (trx) => {
    const saved: MarkerRow[] = [];
    for (const timeline of MARKER_TIMELINES) {
      const lastReadId = positions[timeline];
      if (lastReadId === undefined) continue;
      saved.push(
        await trx
          .insertInto("markers")
          .values({ account_id: accountId, timeline, last_read_id: lastReadId, version: 1, updated_at: now })
          .onConflict((oc) =>
            oc.columns(["account_id", "timeline"]).doUpdateSet((eb) => ({
              last_read_id: lastReadId,
              version: eb("markers.version", "+", 1),
              updated_at: now,
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
    return saved;
  });
}
