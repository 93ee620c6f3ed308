import { originOf } from "./ipc-validation.ts";

/** Schemes handed to the system's default program; anything else (file:, javascript:, custom apps) is refused. */
const EXTERNAL_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

export type NavigationDecision = "allow" | "open-external" | "deny";

/**
 * Where the window may go: pages of the local server stay in the window; links to the rest of the web
 * (a remote profile, a link in a post) open in the default browser, which is where a person expects a
 * website and where it cannot reach the shell; everything else is refused.
 */
export function navigationDecision(url: string, localOrigin: string | null): NavigationDecision {
  if (localOrigin !== null && originOf(url) === localOrigin) return "allow";
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return "deny";
  }
  return EXTERNAL_PROTOCOLS.has(protocol) ? "open-external" : "deny";
}

export type WindowOpenDecision = { action: "navigate"; url: string } | { action: "open-external"; url: string } | { action: "deny" };

/**
 * The shell never opens a second Electron window (each would need the same hardening, and the app has one
 * place to show things): a local link meant for a new tab is shown in the window, the rest as above.
 */
export function windowOpenDecision(url: string, localOrigin: string | null): WindowOpenDecision {
  const decision = navigationDecision(url, localOrigin);
  if (decision === "allow") return { action: "navigate", url };
  if (decision === "open-external") return { action: "open-external", url };
  return { action: "deny" };
}

/**
 * The permissions the renderer may have, and only on the local server's pages: writing to the clipboard
 * (copy a link) and full screen (a video). Everything else is refused, notifications included: the shell
 * shows native ones itself, and a second set from the page would double every alert.
 */
const GRANTED_TO_LOCAL_PAGES = new Set(["clipboard-sanitized-write", "fullscreen"]);

export function isPermissionGranted(permission: string, requestingUrl: string, localOrigin: string | null): boolean {
  if (localOrigin === null || originOf(requestingUrl) !== localOrigin) return false;
  return GRANTED_TO_LOCAL_PAGES.has(permission);
}
