/**
 * The desktop shell's small bridge (main/desktop-bridge.ts), present only inside the Hearth app's window:
 * it asks the page to show a path (a clicked notification) and wants to know when notifications were seen.
 */
interface HearthDesktop {
  readonly isDesktop: true;
  onNavigate(listener: (path: string) => void): () => void;
  notificationsSeen(): void;
}

export function desktopBridge(): HearthDesktop | undefined {
  const bridge = (window as { hearthDesktop?: HearthDesktop }).hearthDesktop;
  return bridge?.isDesktop === true ? bridge : undefined;
}
