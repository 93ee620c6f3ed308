import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Whether the desktop app can open here, and if not, a reason a person understands. */
export type DesktopAvailability = { available: true; electronBinary: string } | { available: false; reason: string };

const EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  darwin: "Electron.app/Contents/MacOS/Electron",
  win32: "electron.exe",
};

/**
 * Finds the Electron binary the way the electron package does (path.txt, or ELECTRON_OVERRIDE_DIST_PATH),
 * without requiring the package: its index downloads the binary when missing, which must not happen here.
 */
export function findElectronBinary(electronPackageDir: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, EXECUTABLE[platform] ?? "electron");
    return existsSync(path) ? path : undefined;
  }
  const pathFile = join(electronPackageDir, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const path = join(electronPackageDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(path) ? path : undefined;
}

export function desktopAvailability(electronPackageDir: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): DesktopAvailability {
  const electronBinary = findElectronBinary(electronPackageDir, env, platform);
  if (!electronBinary) return { available: false, reason: "no Electron binary is installed" };
  if (platform === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { available: false, reason: "there is no display" };
  return { available: true, electronBinary };
}
