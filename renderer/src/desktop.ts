/**
 * The desktop shell's small bridge (main/desktop-bridge.ts), present only inside the Hearth app's window:
 * it asks the page to show a path (a clicked notification), wants to know when notifications were seen, and
 * opens the system's folder dialog for the backups' folder.
 */
interface HearthDesktop {
  readonly isDesktop: true;
  onNavigate(listener: (path: string) => void): () => void;
  notificationsSeen(): void;
  /** The chosen folder's full path, or null when cancelled. Absent in a shell older than this page. */
  chooseBackupFolder?(current?: string): Promise<string | null>;
}

export function desktopBridge(): HearthDesktop | undefined {
  const bridge = (window as { hearthDesktop?: HearthDesktop }).hearthDesktop;
  return bridge?.isDesktop === true ? bridge : undefined;
}
