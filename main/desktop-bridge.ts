/**
 * The one door between the renderer and the desktop shell: what the preload exposes as
 * `window.hearthDesktop`, and the IPC channels behind it. Deliberately small: the renderer talks to the
 * server over HTTP like any Mastodon client, and to the shell only for what exists on a desktop alone.
 */
export interface HearthDesktopApi {
  /** Always true: lets the renderer tell the desktop app from a browser tab. */
  readonly isDesktop: true;
  readonly platform: "darwin" | "win32" | "linux" | "other";
  /**
   * Called when the shell wants a page shown (a notification was clicked): a path of the renderer's own,
   * such as /@alice@example.com/1234. Registering says the renderer routes by itself; without a listener
   * the shell loads the path instead. Returns the function that removes the listener.
   */
  onNavigate(listener: (path: string) => void): () => void;
  /** Tells the shell the notifications were looked at, so it clears the badge. */
  notificationsSeen(): void;
  getStartAtLogin(): Promise<boolean>;
  /** Resolves with the setting as it now is (false where the system refused). */
  setStartAtLogin(enabled: boolean): Promise<boolean>;
  /**
   * Opens the system's folder dialog for the scheduled backups' folder, at `current` when it is a full path.
   * Resolves with the chosen folder's full path, or null when the person cancelled.
   */
  chooseBackupFolder(current?: string): Promise<string | null>;
}

/** The IPC channel names. The preload repeats them (it cannot import anything) and the compiler checks it. */
export const DESKTOP_CHANNELS = {
  navigate: "hearth:navigate",
  rendererRoutes: "hearth:renderer-routes",
  notificationsSeen: "hearth:notifications-seen",
  getStartAtLogin: "hearth:get-start-at-login",
  setStartAtLogin: "hearth:set-start-at-login",
  chooseBackupFolder: "hearth:choose-backup-folder",
} as const;
