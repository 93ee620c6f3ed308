import type { HearthClient, TunnelMode, TunnelView } from "./hearth-client.ts";
import type { PreferencesFile } from "./shell-preferences.ts";

// "Pause publishing" turns the tunnel off through the same API the settings screen uses (PUT
// /api/hearth/tunnel), so the pause is stored with the instance: it lasts across restarts, and a headless
// `hearth serve` on the same data directory stays paused too. A named tunnel's hostname and token stay
// stored while it is off, so resuming needs only the mode, which the shell remembers.

/** Whether the tunnel is off because the shell paused it (rather than never having been turned on). */
export function isPublishingPaused(pausedMode: TunnelMode | null, tunnel: TunnelView | null): boolean {
  return pausedMode !== null && tunnel !== null && tunnel.mode === "off";
}

export async function pausePublishing(client: HearthClient, preferences: PreferencesFile): Promise<TunnelView> {
  const tunnel = await client.tunnel();
  if (tunnel.mode === "off") return tunnel;
  preferences.update({ pausedTunnelMode: tunnel.mode });
  return client.setTunnelMode("off");
}

/** Resumes the mode that was paused. The server may refuse (422) with a sentence, e.g. a quick tunnel for an instance that has since got a fixed address. */
export async function resumePublishing(client: HearthClient, preferences: PreferencesFile): Promise<TunnelView> {
  const mode = preferences.read().pausedTunnelMode;
  if (mode === null) return client.tunnel();
  const tunnel = await client.setTunnelMode(mode);
  preferences.update({ pausedTunnelMode: null });
  return tunnel;
}

/** A tunnel turned on some other way (the settings screen) ends the pause. */
export function forgetPauseIfPublishing(tunnel: TunnelView, preferences: PreferencesFile): void {
  if (tunnel.mode !== "off" && preferences.read().pausedTunnelMode !== null) preferences.update({ pausedTunnelMode: null });
}
