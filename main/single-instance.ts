/** The part of Electron's `app` the single-instance lock needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: "second-instance", listener: () => void): unknown;
}

/**
 * One Hearth per user: a second one would find the data directory locked and the port taken. The second
 * launch quits at once, and the first one hears of it and shows its window (the person clicked the icon
 * because they want to see Hearth). Returns whether this process is the one that runs.
 */
export function claimSingleInstance(app: SingleInstanceApp, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on("second-instance", onSecondLaunch);
  return true;
}

/** The part of a BrowserWindow that bringing it forward needs. */
export interface RevealableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * Brings Hearth's window forward, making a new one when it was closed (Hearth lives on in the tray after
 * the window closes). Returns the window shown.
 */
export function revealWindow<W extends RevealableWindow>(existing: W | undefined, createWindow: () => W): W {
  const window = existing && !existing.isDestroyed() ? existing : createWindow();
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
  return window;
}
