// The desktop shell: Electron wired to plain modules. Every decision (what the tray says, which notification
// to show, which navigation or IPC sender to trust, when to restart the server) lives in a module beside
// this one and is tested without Electron; this file connects them to Electron's objects.
import { homedir } from "node:os";
import { join } from "node:path";
import { app, clipboard, dialog, ipcMain, Notification, safeStorage, session, utilityProcess, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from "electron";
import { appPaths } from "./app-paths.ts";
import { chooseBackupFolder } from "./backup-folder-picker.ts";
import { startAutoUpdate, updatePolicy } from "./auto-update.ts";
import { DESKTOP_CHANNELS } from "./desktop-bridge.ts";
import { createDesktopNotifications, type DesktopNotifications } from "./desktop-notifications.ts";
import type { HearthClient } from "./hearth-client.ts";
import { isTrustedSender, originOf } from "./ipc-validation.ts";
import { isHiddenStart, serveArgsFrom } from "./launch-arguments.ts";
import { startAtLogin } from "./login-item.ts";
import type { NativeNotification } from "./notification-decisions.ts";
import { preferencesTokenStore } from "./owner-token.ts";
import { pausePublishing, resumePublishing } from "./publishing.ts";
import { entryEnvironment, nodeChildLauncher, utilityProcessLauncher } from "./server-launchers.ts";
import { superviseProcess } from "./server-process.ts";
import { createServerSupervisor, type ServerState } from "./server-supervisor.ts";
import { preferencesFile } from "./shell-preferences.ts";
import { createShellSession, type ShellSession } from "./shell-session.ts";
import { claimSingleInstance, revealWindow } from "./single-instance.ts";
import { statusPageUrl } from "./status-page.ts";
import { createHearthTray, type HearthTray } from "./tray.ts";
import { trayModel, type TrayAction } from "./tray-model.ts";
import { createHearthWindow, secureSession } from "./window.ts";

const log = (message: string) => process.stderr.write(`hearth desktop: ${message}\n`);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const paths = appPaths({ appPath: app.getAppPath(), isPackaged: app.isPackaged, platform: process.platform, env: process.env });
const serveArgs = serveArgsFrom(process.argv.slice(1));
// Packaged, the server's compiled code is kept with the app's data (app.asar cannot be written); in
// development `npm start` names the bundle's own cache (HEARTH_COMPILE_CACHE), which passes through.
const env = entryEnvironment(process.env, paths.serverCli, serveArgs, app.isPackaged ? join(app.getPath("userData"), "compile-cache") : undefined);
const launch = paths.nodeBinary
  ? nodeChildLauncher({ nodeBinary: paths.nodeBinary, entryPath: paths.serverEntry, env })
  : utilityProcessLauncher({ fork: (path, args, options) => utilityProcess.fork(path, args, options), entryPath: paths.serverEntry, env });
const supervisor = createServerSupervisor({ launch: () => superviseProcess(launch()), onError: (error) => log(errorText(error)) });
const preferences = preferencesFile(join(app.getPath("userData"), "shell-preferences.json"));
const loginItem = startAtLogin({
  app,
  platform: process.platform,
  isPackaged: app.isPackaged,
  executable: process.env.APPIMAGE ?? process.execPath,
  env: process.env,
  home: homedir(),
});

let window: BrowserWindow | undefined;
let tray: HearthTray | undefined;
let shellSession: ShellSession | undefined;
let notifications: DesktopNotifications | undefined;
/** The page in the window has said it routes by itself (hearthDesktop.onNavigate). */
let doesRendererRoute = false;
let hasStopped = false;
// Kept referenced until closed: a Notification that is garbage-collected no longer reports its click.
const shownNotifications = new Set<Notification>();

const localUrl = () => {
  const state = supervisor.state();
  return state.phase === "running" ? state.localUrl : null;
};
const localOrigin = () => {
  const url = localUrl();
  return url ? originOf(url) : null;
};

function pageFor(state: ServerState): { url: string } {
  switch (state.phase) {
    case "running":
      return { url: state.localUrl };
    case "failed":
      return { url: statusPageUrl("Hearth has stopped", `${state.reason} Choose "Try again" in Hearth's tray menu.`) };
    case "restarting":
      return { url: statusPageUrl("Hearth is restarting", state.reason) };
    default:
      return { url: statusPageUrl("Hearth is starting", "One moment…") };
  }
}

function createWindow(): BrowserWindow {
  const created = createHearthWindow({ preload: paths.preload, icon: paths.appIcon, localOrigin, startHidden: false });
  created.webContents.on("did-start-navigation", (details) => {
    if (details.isMainFrame && !details.isSameDocument) doesRendererRoute = false;
  });
  created.on("focus", () => void notifications?.refreshReadMarker());
  created.on("closed", () => {
    if (window === created) window = undefined;
  });
  void created.loadURL(pageFor(supervisor.state()).url);
  window = created;
  return created;
}

function showWindow(): void {
  revealWindow(window, createWindow);
}

/** Shows a renderer path: through the renderer's own router when it listens, else by loading it. */
function openPath(path: string): void {
  const base = localUrl();
  if (!base) return showWindow();
  const shown = revealWindow(window, createWindow);
  if (doesRendererRoute) shown.webContents.send(DESKTOP_CHANNELS.navigate, path);
  else void shown.loadURL(new URL(path, base).href);
}

function showNotification(content: NativeNotification, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: content.title, body: content.body });
  shownNotifications.add(notification);
  notification.on("click", onClick);
  notification.on("close", () => shownNotifications.delete(notification));
  notification.show();
}

function followNotifications(client: HearthClient | null): void {
  notifications?.stop();
  notifications = undefined;
  if (!client) return;
  notifications = createDesktopNotifications({
    client,
    preferences,
    openSocket: (url) => new WebSocket(url),
    isWindowFocused: () => window?.isFocused() ?? false,
    show: showNotification,
    setBadgeCount: (count) => app.setBadgeCount(count),
    openPath,
    onError: (error) => log(`notifications: ${errorText(error)}`),
  });
}

function reportActionFailure(what: string, error: unknown): void {
  log(`${what}: ${errorText(error)}`);
  showNotification({ id: "action-failure", title: `Hearth could not ${what}`, body: errorText(error), path: "/settings" }, () => openPath("/settings"));
}

function onTrayAction(action: TrayAction): void {
  const client = shellSession?.client();
  switch (action) {
    case "open":
      return showWindow();
    case "copy-handle": {
      const handle = shellSession?.status().handle;
      if (handle) clipboard.writeText(handle);
      return;
    }
    case "pause-publishing":
      if (client) pausePublishing(client, preferences).then(() => shellSession?.refresh(), (error: unknown) => reportActionFailure("pause publishing", error));
      return;
    case "resume-publishing":
      if (client) resumePublishing(client, preferences).then(() => shellSession?.refresh(), (error: unknown) => reportActionFailure("resume publishing", error));
      return;
    case "restart-server":
      return supervisor.start();
    case "toggle-start-at-login":
      loginItem.setEnabled(!loginItem.isEnabled());
      void shellSession?.refresh();
      return;
    case "quit":
      return app.quit();
  }
}

function isFromHearthWindow(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(
    { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null, webContentsId: event.sender.id },
    { localOrigin: localOrigin(), windowWebContentsId: window && !window.isDestroyed() ? window.webContents.id : null },
  );
}

function listenToRenderer(): void {
  ipcMain.on(DESKTOP_CHANNELS.rendererRoutes, (event, routes: unknown) => {
    if (isFromHearthWindow(event)) doesRendererRoute = routes === true;
  });
  ipcMain.on(DESKTOP_CHANNELS.notificationsSeen, (event) => {
    if (isFromHearthWindow(event)) notifications?.seen();
  });
  ipcMain.handle(DESKTOP_CHANNELS.getStartAtLogin, (event) => {
    if (!isFromHearthWindow(event)) throw new Error("Refused: not Hearth's window.");
    return loginItem.isEnabled();
  });
  ipcMain.handle(DESKTOP_CHANNELS.setStartAtLogin, (event, enabled: unknown) => {
    if (!isFromHearthWindow(event)) throw new Error("Refused: not Hearth's window.");
    if (typeof enabled !== "boolean") throw new TypeError("setStartAtLogin takes true or false.");
    const isEnabled = loginItem.setEnabled(enabled);
    void shellSession?.refresh();
    return isEnabled;
  });
  ipcMain.handle(DESKTOP_CHANNELS.chooseBackupFolder, (event, current: unknown) => {
    if (!isFromHearthWindow(event)) throw new Error("Refused: not Hearth's window.");
    // A sheet of Hearth's window where there is one (macOS), so it cannot hide behind it.
    const parent = window && !window.isDestroyed() ? window : undefined;
    return chooseBackupFolder((options) => (parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options)), current);
  });
}

function start(): void {
  if (process.platform === "win32") app.setAppUserModelId("social.hearth.desktop");
  secureSession(session.defaultSession, localOrigin);
  listenToRenderer();
  tray = createHearthTray(paths.trayIcon, onTrayAction, showWindow);
  shellSession = createShellSession({
    supervisor,
    preferences,
    tokenStore: preferencesTokenStore(preferences, {
      isAvailable: () => safeStorage.isEncryptionAvailable(),
      encrypt: (text) => safeStorage.encryptString(text),
      decrypt: (data) => safeStorage.decryptString(data),
    }),
    startAtLogin: () => ({ isSupported: loginItem.isSupported(), isEnabled: loginItem.isEnabled() }),
    onStatus: (status) => tray?.show(trayModel(status, Date.now())),
    onClient: followNotifications,
    onError: (error) => log(errorText(error)),
  });
  supervisor.onState((state) => {
    if (!window || window.isDestroyed()) return;
    const current = window.webContents.getURL();
    // The renderer rides out a short outage by itself; only a page that is not the server's is replaced.
    if (state.phase === "running" && originOf(current) === originOf(state.localUrl)) return;
    if (state.phase !== "running" && originOf(current) !== null && state.phase !== "failed") return;
    void window.loadURL(pageFor(state).url);
  });
  supervisor.start();
  if (!isHiddenStart(process.argv) && !(process.platform === "darwin" && app.getLoginItemSettings().wasOpenedAtLogin)) showWindow();
  const updates = updatePolicy({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, env: process.env, platform: process.platform });
  if (updates.isEnabled) startAutoUpdate(log).catch((error: unknown) => log(`auto-update: ${errorText(error)}`));
}

/** Quit: no restart, notifications off, then the server stops its tunnel and closes the database. */
async function stopEverything(): Promise<void> {
  notifications?.stop();
  shellSession?.stop();
  await supervisor.stop();
  tray?.destroy();
}

if (claimSingleInstance(app, showWindow)) {
  app.whenReady().then(start, (error: unknown) => log(errorText(error)));
  // Closing the window leaves Hearth running in the tray; Quit in the tray (or the app menu) ends it.
  app.on("window-all-closed", () => {});
  app.on("activate", showWindow);
  app.on("will-quit", (event) => {
    if (hasStopped) return;
    event.preventDefault();
    void stopEverything()
      .catch((error: unknown) => log(`stopping: ${errorText(error)}`))
      .finally(() => {
        hasStopped = true;
        app.quit();
      });
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => app.quit());
}
