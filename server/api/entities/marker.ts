import type { MarkerRow } from "../../core/rows.ts";

/** Mastodon's Marker entity. */
export interface MastodonMarker {
  last_read_id: string;
  version: number;
  updated_at: string;
}

/** The markers asked for, keyed by timeline, as GET /api/v1/markers answers them. */
export function toMarkers(rows: readonly MarkerRow[]): Record<string, MastodonMarker> {
  return Object.fromEntries(rows.map((row) => [row.timeline, { last_read_id: row.last_read_id, version: row.version, updated_at: row.updated_at }]));
}
