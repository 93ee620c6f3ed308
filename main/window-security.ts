/**
 * The settings of Hearth's window, following Electron's security checklist. Kept as plain data so a test
 * can hold them to the checklist without starting Electron.
 */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: boolean;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped on the window would otherwise replace Hearth with that file.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/**
 * The Content-Security-Policy the shell puts on the renderer's pages. Scripts, styles and fonts come from
 * the local server alone; images and media also from other instances over https (avatars, attachments and
 * custom emoji of remote posts), and from data:/blob: (blurhash previews, files chosen for upload). The
 * streaming API is a WebSocket on the same server, named explicitly because not every engine counts ws:
 * as 'self'. Nothing may frame the page, and no plugin or <base> may change where things load from.
 */
export function contentSecurityPolicy(localOrigin: string): string {
  const url = new URL(localOrigin);
  const socket = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    `connect-src 'self' ${socket}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export type ResponseHeaders = Record<string, string[]>;

/**
 * Adds the policy to a document from the local server (pages and frames, not images or API answers).
 * A policy the server sent itself is kept: the browser enforces both, so the stricter of the two wins.
 */
export function withContentSecurityPolicy(
  response: { url: string; resourceType: string; responseHeaders?: ResponseHeaders },
  localOrigin: string,
): ResponseHeaders | undefined {
  const isDocument = response.resourceType === "mainFrame" || response.resourceType === "subFrame";
  let origin: string;
  try {
    origin = new URL(response.url).origin;
  } catch {
    return response.responseHeaders;
  }
  if (!isDocument || origin !== localOrigin) return response.responseHeaders;
  const headers: ResponseHeaders = { ...response.responseHeaders };
  const existing = Object.keys(headers).find((name) => name.toLowerCase() === "content-security-policy");
  const ours = contentSecurityPolicy(localOrigin);
  if (existing) headers[existing] = [...(headers[existing] ?? []), ours];
  else headers["Content-Security-Policy"] = [ours];
  return headers;
}
