// The preload of Hearth's window. It runs sandboxed, where a preload is a plain script: CommonJS (hence
// .cts), no imports of our own modules, and only `require("electron")`. It hands the page a few functions
// through contextBridge and never ipcRenderer itself, so the page cannot send on any other channel.
import type * as ElectronModule from "electron";
import type { DESKTOP_CHANNELS, HearthDesktopApi } from "./desktop-bridge.ts";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, where verbatimModuleSyntax allows no import statement.
const { contextBridge, ipcRenderer } = require("electron") as typeof ElectronModule;

// Repeated from desktop-bridge.ts (the sandbox cannot load it); `satisfies` fails the build if they differ.
const CHANNELS = {
  navigate: "hearth:navigate",
  rendererRoutes: "hearth:renderer-routes",
  notificationsSeen: "hearth:notifications-seen",
  getStartAtLogin: "hearth:get-start-at-login",
  setStartAtLogin: "hearth:set-start-at-login",
  chooseBackupFolder: "hearth:choose-backup-folder",
} as const satisfies typeof DESKTOP_CHANNELS;

const platform = process.platform === "darwin" || process.platform === "win32" || process.platform === "linux" ? process.platform : "other";

const api: HearthDesktopApi = {
  isDesktop: true,
  platform,
  onNavigate(listener) {
    // Only the path crosses the bridge, never the IPC event (whose sender object reaches into Electron).
    const onMessage = (_event: unknown, path: unknown) => {
      if (typeof path === "string" && path.startsWith("/")) listener(path);
    };
    ipcRenderer.on(CHANNELS.navigate, onMessage);
    ipcRenderer.send(CHANNELS.rendererRoutes, true);
    return () => {
      ipcRenderer.removeListener(CHANNELS.navigate, onMessage);
      if (ipcRenderer.listenerCount(CHANNELS.navigate) === 0) ipcRenderer.send(CHANNELS.rendererRoutes, false);
    };
  },
  notificationsSeen() {
    ipcRenderer.send(CHANNELS.notificationsSeen);
  },
  async getStartAtLogin() {
    return (await ipcRenderer.invoke(CHANNELS.getStartAtLogin)) === true;
  },
  async setStartAtLogin(enabled) {
    return (await ipcRenderer.invoke(CHANNELS.setStartAtLogin, enabled === true)) === true;
  },
  async chooseBackupFolder(current) {
    const chosen: unknown = await ipcRenderer.invoke(CHANNELS.chooseBackupFolder, typeof current === "string" ? current : null);
    return typeof chosen === "string" ? chosen : null;
  },
};

contextBridge.exposeInMainWorld("hearthDesktop", api);
