/** Who this instance is, its stored settings, its tunnel, and how the peers it talks to are doing. */
import type { ColumnType } from "kysely";
import type { Defaulted, Optional, Timestamp } from "./columns.ts";

/** The one row that says who this instance is. */
export interface InstanceTable {
  id: ColumnType<1, 1, never>;
  /** https://name.example, fixed once the instance is published; null while it has only been used locally. */
  canonical_origin: string | null;
  name: string;
  description: string;
  created_at: Timestamp;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** How the instance is reached from the internet: not at all, through a quick tunnel (a new address each start) or a named one. */
export const TUNNEL_MODES = ["off", "quick", "named"] as const;
export type TunnelMode = (typeof TUNNEL_MODES)[number];

/** One row (id 1) once anything about the tunnel has been chosen; absent means off. */
export interface TunnelSettingsTable {
  id: ColumnType<1, 1, never>;
  mode: TunnelMode;
  hostname: string | null;
  /** A secret: read only to hand it to cloudflared's environment, never serialised. */
  token: string | null;
  updated_at: Timestamp;
}

export interface PeerHostsTable {
  host: string;
  last_success_at: Optional<Timestamp>;
  last_failure_at: Optional<Timestamp>;
  failing_since: Optional<Timestamp>;
  consecutive_failures: Defaulted<number>;
}
