// Electron wiring of the window and its session: each decision is made by a plain module
// (window-security.ts, navigation-policy.ts, ipc-validation.ts); this file only connects them.
import { BrowserWindow, shell, type Session, type WebContents } from "electron";
import { isPermissionGranted, navigationDecision, windowOpenDecision } from "./navigation-policy.ts";
import { secureWebPreferences, withContentSecurityPolicy } from "./window-security.ts";

/** The local server's origin as it is now (it can change when a restarted server gets another port). */
export type LocalOrigin = () => string | null;

function openExternally(url: string): void {
  void shell.openExternal(url).catch(() => {});
}

/** Session-wide rules: the CSP on the renderer's pages, and permissions refused unless listed. */
export function secureSession(session: Session, localOrigin: LocalOrigin): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const origin = localOrigin();
    callback({ responseHeaders: origin ? withContentSecurityPolicy(details, origin) : details.responseHeaders });
  });
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl || webContents.getURL(), localOrigin()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin, localOrigin()));
}

function guardNavigation(contents: WebContents, localOrigin: LocalOrigin): void {
  const onNavigate = (event: { url: string; preventDefault(): void }) => {
    const decision = navigationDecision(event.url, localOrigin());
    if (decision === "allow") return;
    event.preventDefault();
    if (decision === "open-external") openExternally(event.url);
  };
  contents.on("will-navigate", onNavigate);
  contents.on("will-redirect", onNavigate);
  contents.on("will-frame-navigate", (event) => {
    if (!event.isMainFrame && navigationDecision(event.url, localOrigin()) !== "allow") event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, localOrigin());
    if (decision.action === "navigate") void contents.loadURL(decision.url);
    else if (decision.action === "open-external") openExternally(decision.url);
    return { action: "deny" };
  });
  // No <webview> may be attached, whatever the page tries (webviewTag is off as well).
  contents.on("will-attach-webview", (event) => event.preventDefault());
}

export function createHearthWindow(options: { preload: string; icon: string; localOrigin: LocalOrigin; startHidden: boolean }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 800,
    minWidth: 420,
    minHeight: 500,
    title: "Hearth",
    icon: options.icon,
    show: !options.startHidden,
    backgroundColor: "#1c1b22",
    webPreferences: secureWebPreferences(options.preload),
  });
  guardNavigation(window.webContents, options.localOrigin);
  return window;
}
