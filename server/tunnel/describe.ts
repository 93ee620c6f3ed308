import type { TunnelStatus } from "./status.ts";

/** One line for a person (the CLI, and later the tray's tooltip) about the tunnel's state. */
export function describeTunnelStatus(status: TunnelStatus): string {
  switch (status.state) {
    case "off":
      return "Tunnel off.";
    case "starting":
      return status.downloadedBytes !== null
        ? `Tunnel starting: downloading cloudflared (${(status.downloadedBytes / 1_000_000).toFixed(1)} MB so far)...`
        : `Tunnel starting (${status.mode})...`;
    case "connected": {
      const tryOut = status.isTryOut ? " This is a try-out address: it changes every time Hearth starts, and followers made through it are lost." : "";
      return `Tunnel connected with ${status.connections} connection${status.connections === 1 ? "" : "s"}: ${status.publicUrl} reaches this Hearth.${tryOut}`;
    }
    case "reconnecting":
      return `Tunnel reconnecting: ${status.reason ?? "cloudflared stopped."}`;
    case "failed":
      return `Tunnel failed: ${status.reason ?? "cloudflared stopped."}`;
  }
}
