import { existsSync } from "node:fs";
import { join } from "node:path";

export type UpdatePolicy = { isEnabled: true } | { isEnabled: false; reason: string };

/**
 * Automatic updates are off unless the build was configured for them: electron-builder writes
 * app-update.yml into the resources only when electron-builder.yml names a `publish` provider, and that
 * file is what electron-updater reads. HEARTH_AUTO_UPDATE=0 turns them off on a machine that has them.
 */
export function updatePolicy(options: { isPackaged: boolean; resourcesPath: string; env: NodeJS.ProcessEnv; platform: NodeJS.Platform }): UpdatePolicy {
  if (!options.isPackaged) return { isEnabled: false, reason: "this is not a packaged app" };
  if (options.env.HEARTH_AUTO_UPDATE === "0") return { isEnabled: false, reason: "HEARTH_AUTO_UPDATE=0" };
  if (!existsSync(join(options.resourcesPath, "app-update.yml"))) return { isEnabled: false, reason: "this build names no update server" };
  // electron-updater replaces AppImages in place, but a .deb belongs to the system's package manager.
  if (options.platform === "linux" && !options.env.APPIMAGE) return { isEnabled: false, reason: "the system's package manager updates this install" };
  return { isEnabled: true };
}

/** Checks for an update in the background and installs it on the next quit (electron-updater's defaults). */
export async function startAutoUpdate(log: (message: string) => void): Promise<void> {
  const { default: updater } = await import("electron-updater");
  updater.autoUpdater.autoDownload = true;
  updater.autoUpdater.autoInstallOnAppQuit = true;
  updater.autoUpdater.on("error", (error: Error) => log(`The update check failed: ${error.message}`));
  updater.autoUpdater.on("update-downloaded", (info: { version: string }) => log(`Hearth ${info.version} is downloaded and installs when Hearth quits.`));
  await updater.autoUpdater.checkForUpdates();
}
