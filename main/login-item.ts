import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The flag a start at login passes, so Hearth starts in the tray without opening its window. */
export const HIDDEN_FLAG = "--hidden";

export interface StartAtLogin {
  isSupported(): boolean;
  isEnabled(): boolean;
  /** Returns the setting as it is afterwards. */
  setEnabled(enabled: boolean): boolean;
}

/** The part of Electron's `app` that manages login items on macOS and Windows. */
export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/**
 * Start at login. macOS and Windows have it in Electron (login items, the Run key); Linux desktops follow
 * the XDG autostart specification, a .desktop file in ~/.config/autostart. Only a packaged app offers it:
 * in development the executable is a bare Electron that would start without Hearth.
 */
export function startAtLogin(options: {
  app: LoginItemApp;
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** What a login should run: the AppImage file for an AppImage (its own binary lives in a temporary mount). */
  executable: string;
  env: NodeJS.ProcessEnv;
  home: string;
}): StartAtLogin {
  const isSupported = () => options.isPackaged && ["darwin", "win32", "linux"].includes(options.platform);
  if (options.platform === "linux") {
    const path = linuxAutostartPath(options.env, options.home);
    return {
      isSupported,
      isEnabled: () => isSupported() && existsSync(path),
      setEnabled(enabled) {
        if (!isSupported()) return false;
        if (enabled) {
          mkdirSync(join(path, ".."), { recursive: true });
          writeFileSync(path, linuxAutostartEntry(options.executable));
        } else {
          rmSync(path, { force: true });
        }
        return existsSync(path);
      },
    };
  }
  return {
    isSupported,
    isEnabled: () => isSupported() && options.app.getLoginItemSettings().openAtLogin,
    setEnabled(enabled) {
      if (!isSupported()) return false;
      options.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
      return options.app.getLoginItemSettings().openAtLogin;
    },
  };
}

export function linuxAutostartPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "autostart", "social.hearth.desktop.desktop");
}

/** Quotes an argument for a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"). */
function quoteExecArgument(argument: string): string {
  if (!/[\s"'\\`$;&|<>(){}*?#~=%]/.test(argument)) return argument;
  return `"${argument.replace(/(["`$\\])/g, "\\$1").replace(/%/g, "%%")}"`;
}

export function linuxAutostartEntry(executable: string): string {
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Name=Hearth",
    "Comment=Your own fediverse server",
    `Exec=${quoteExecArgument(executable)} ${HIDDEN_FLAG}`,
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}
