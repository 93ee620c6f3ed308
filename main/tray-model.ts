import type { BackupFreshnessView, TunnelView } from "./hearth-client.ts";
import type { ServerState } from "./server-supervisor.ts";

/** Everything the tray shows, gathered by the shell. */
export interface ShellStatus {
  server: ServerState;
  /** Whether the instance has an owner yet; null until the server has answered. */
  isSetUp: boolean | null;
  /** The tunnel as GET /api/hearth/tunnel reports it; null while unknown (no token yet, server down). */
  tunnel: TunnelView | null;
  /** The shell turned the tunnel off with "Pause publishing" (and remembers which mode to resume). */
  isPublishingPaused: boolean;
  /** @user@domain once the instance has a public address; null before. */
  handle: string | null;
  startAtLogin: { isSupported: boolean; isEnabled: boolean };
  /** The backups' freshness as GET /api/hearth/backups reports it; null or absent while unknown. */
  backup?: BackupFreshnessView | null;
}

export type TrayAction = "open" | "copy-handle" | "pause-publishing" | "resume-publishing" | "restart-server" | "toggle-start-at-login" | "quit";

export type TrayItem =
  | { kind: "status"; label: string }
  | { kind: "separator" }
  | { kind: "action"; action: TrayAction; label: string; isEnabled: boolean }
  | { kind: "checkbox"; action: TrayAction; label: string; isChecked: boolean };

export interface TrayModel {
  /** The state in a few words, for the icon's tooltip. */
  tooltip: string;
  items: TrayItem[];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** One line on how Hearth is doing, as a person would say it. */
export function statusLine(status: ShellStatus, now: number): string {
  const { server, tunnel } = status;
  switch (server.phase) {
    case "starting":
      return "Hearth is starting…";
    case "restarting":
      return `Hearth stopped unexpectedly; restarting in ${seconds(server.retryAt - now)}…`;
    case "failed":
      return `Hearth has stopped: ${server.reason}`;
    case "stopping":
    case "stopped":
      return "Hearth is stopping…";
    case "running":
      break;
  }
  if (status.isSetUp === false) return "Finish setting up Hearth in its window";
  if (!tunnel) return "Hearth is running";
  if (tunnel.mode === "off") {
    return status.isPublishingPaused ? "Publishing paused: only this computer reaches Hearth" : "Not published: only this computer reaches Hearth";
  }
  switch (tunnel.state) {
    case "connected": {
      const host = tunnel.public_url ? hostOf(tunnel.public_url) : "the internet";
      return tunnel.is_try_out ? `Online at ${host} (a try-out address)` : `Online at ${host}`;
    }
    case "starting":
      return tunnel.downloaded_bytes !== null ? "Offline: downloading cloudflared…" : "Offline: connecting to Cloudflare…";
    case "reconnecting":
      return "Offline: reconnecting to Cloudflare…";
    case "failed":
      return `Offline: ${tunnel.reason ?? "the tunnel failed"}`;
    case "off":
      return "Offline";
  }
}

function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? "" : "s"}`;
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${count(minutes, "minute")} ago`;
  if (minutes < 24 * 60) return `${count(Math.floor(minutes / 60), "hour")} ago`;
  return `${count(Math.floor(minutes / (24 * 60)), "day")} ago`;
}

/** The backups in one line ("Last backup: 2 hours ago", "No backup for 9 days"), the warning when there is one. */
export function backupLine(backup: BackupFreshnessView, now: number): { label: string; isWarning: boolean } {
  switch (backup.state) {
    case "fresh":
      return { label: `Last backup: ${ago(backup.last_good_at ?? new Date(now).toISOString(), now)}`, isWarning: false };
    case "stale":
      return { label: `No backup for ${ago(backup.last_good_at ?? new Date(now).toISOString(), now).replace(/ ago$/, "")}`, isWarning: true };
    case "failed":
      return { label: "The last backup failed: see Settings → Backups", isWarning: true };
    case "none":
      return { label: "No backup yet: set one up in Settings → Backups", isWarning: true };
  }
}

/**
 * The tray (menu bar) menu for a status: the status line, open Hearth, copy my handle, pause or resume
 * publishing, start at login, quit. Pure, so every state's menu is tested without a desktop.
 */
export function trayModel(status: ShellStatus, now: number): TrayModel {
  const line = statusLine(status, now);
  const isRunning = status.server.phase === "running";
  const items: TrayItem[] = [{ kind: "status", label: line }];
  const backup = isRunning && status.backup ? backupLine(status.backup, now) : null;
  if (backup) items.push({ kind: "status", label: backup.isWarning ? `⚠ ${backup.label}` : backup.label });
  items.push({ kind: "separator" });
  items.push({ kind: "action", action: "open", label: "Open Hearth", isEnabled: isRunning });
  items.push({
    kind: "action",
    action: "copy-handle",
    label: status.handle ? `Copy my handle (${status.handle})` : "Copy my handle",
    isEnabled: isRunning && status.handle !== null,
  });
  if (isRunning && status.tunnel) {
    if (status.tunnel.mode !== "off") items.push({ kind: "action", action: "pause-publishing", label: "Pause publishing", isEnabled: true });
    else if (status.isPublishingPaused) items.push({ kind: "action", action: "resume-publishing", label: "Resume publishing", isEnabled: true });
  }
  if (status.server.phase === "failed") items.push({ kind: "action", action: "restart-server", label: "Try again", isEnabled: true });
  items.push({ kind: "separator" });
  if (status.startAtLogin.isSupported) {
    items.push({ kind: "checkbox", action: "toggle-start-at-login", label: "Start Hearth at login", isChecked: status.startAtLogin.isEnabled });
    items.push({ kind: "separator" });
  }
  items.push({ kind: "action", action: "quit", label: "Quit Hearth", isEnabled: true });
  return { tooltip: backup?.isWarning ? `Hearth: ${line}. ${backup.label}` : `Hearth: ${line}`, items };
}

const LOOPBACK_HOSTS = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/** The fediverse address to copy: only once the instance is reachable under a name others can use. */
export function handleFor(username: string, instanceDomain: string): string | null {
  if (LOOPBACK_HOSTS.test(instanceDomain)) return null;
  return `@${username}@${instanceDomain}`;
}
