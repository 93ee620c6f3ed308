import type { TunnelSettingsChange, TunnelSettingsView } from "../core/instance/tunnel-settings.ts";
import type { TunnelMode } from "../db/schema.ts";

export type TunnelState = "off" | "starting" | "connected" | "reconnecting" | "failed";

/**
 * What the UI, the tray and GET /api/hearth/tunnel show. Never holds the token: every text in it that came
 * from cloudflared has been through the redactor first.
 */
export interface TunnelStatus {
  mode: TunnelMode;
  state: TunnelState;
  /** The public address while connected (the quick URL, or https://hostname); null otherwise. */
  publicUrl: string | null;
  /** A quick tunnel: its address changes on every start, so followers made through it are lost. */
  isTryOut: boolean;
  /** Edge connections cloudflared holds (it opens four when all is well). */
  connections: number;
  /** Why the tunnel is reconnecting or failed, as a sentence; null when there is nothing to say. */
  reason: string | null;
  /** When reconnecting: the time of the next start. */
  retryAt: string | null;
  /** Starts of cloudflared after the first one. */
  restarts: number;
  /** While obtaining cloudflared: bytes downloaded so far. */
  downloadedBytes: number | null;
  cloudflaredVersion: string | null;
  /** When the state last changed. */
  since: string;
}

export type TunnelStatusListener = (status: TunnelStatus) => void;

/** The port through which the UI, the tray and the CLI watch the tunnel. */
export interface TunnelWatch {
  status(): TunnelStatus;
  /** Calls the listener on every change; returns the function that stops it. */
  onStatus(listener: TunnelStatusListener): () => void;
}

/** What the API may do with the tunnel: watch it, read the settings (without the token), change them. */
export interface TunnelControl extends TunnelWatch {
  settings(): Promise<TunnelSettingsView>;
  /** Saves the change (refusing, with the reason, what would change the instance's address) and restarts. */
  configure(change: TunnelSettingsChange): Promise<void>;
  /** What a named tunnel's public hostname must be routed to in the Cloudflare dashboard. */
  readonly localServiceUrl: string;
}
