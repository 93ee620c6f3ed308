/** What the shell knows about the sender of an IPC message (from event.senderFrame and event.sender). */
export interface IpcSender {
  /** The URL of the frame that sent it; null when the frame is gone (navigated away or destroyed). */
  frameUrl: string | null;
  /** Whether that frame is the top-level document, not an iframe inside it. */
  isMainFrame: boolean;
  /** The id of the WebContents it came from. */
  webContentsId: number;
}

/**
 * Every IPC message is checked before it is acted on (Electron's security checklist, "validate the sender
 * of all IPC messages"): only the top frame of Hearth's own window, showing a page of the local server,
 * may talk to the shell. A remote page the window was somehow steered to, or an iframe, may not.
 */
export function isTrustedSender(sender: IpcSender, trusted: { localOrigin: string | null; windowWebContentsId: number | null }): boolean {
  if (trusted.localOrigin === null || trusted.windowWebContentsId === null) return false;
  if (sender.webContentsId !== trusted.windowWebContentsId || !sender.isMainFrame || sender.frameUrl === null) return false;
  return originOf(sender.frameUrl) === trusted.localOrigin;
}

/** The origin of a URL, or null for text that is no URL or has no origin (about:blank, data:). */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}
