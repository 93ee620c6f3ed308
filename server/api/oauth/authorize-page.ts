import { NO_REDIRECT } from "../../core/auth/tokens.ts";
import type { AuthorizationRequest } from "./authorization-request.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const SCOPE_WORDS: Record<string, string> = {
  read: "read everything in your account",
  write: "post, edit and change everything in your account",
  follow: "follow, block and mute accounts",
  push: "send you notifications",
  profile: "see your profile",
};

function describeScope(scope: string): string {
  const words = SCOPE_WORDS[scope];
  if (words) return words;
  const [action, what] = scope.split(":");
  return `${action === "read" ? "read" : action === "write" ? "change" : action} your ${what?.replace(/_/g, " ") ?? scope}`;
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; display: grid; min-height: 100vh; place-items: center; background: Canvas; }
  main { max-width: 26rem; width: calc(100% - 2rem); padding: 1.5rem; border: 1px solid #8884; border-radius: 12px; }
  h1 { font-size: 1.3rem; margin-top: 0; }
  label { display: block; margin-top: 0.8rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 0.55rem; font: inherit; margin-top: 0.25rem; }
  .actions { display: flex; gap: 0.6rem; margin-top: 1.2rem; }
  button { font: inherit; padding: 0.55rem 1rem; border-radius: 8px; border: 1px solid #8886; cursor: pointer; }
  button.primary { background: #b56a3c; color: white; border-color: #b56a3c; }
  button:focus-visible, input:focus-visible { outline: 3px solid #b56a3c; outline-offset: 2px; }
  .error { color: #c0392b; font-weight: 600; }
  code { font-size: 1.1rem; word-break: break-all; user-select: all; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Hearth</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/**
 * The sources the form may lead to. Chromium applies form-action to the redirect that follows a form
 * post, so the app's redirect URI must be allowed here or the browser stops the sign-in at the last step.
 */
export function consentPageCsp(redirectUri: string): string {
  let target = "";
  if (redirectUri !== NO_REDIRECT) {
    const url = new URL(redirectUri);
    target = url.protocol === "http:" || url.protocol === "https:" ? ` ${url.origin}` : ` ${url.protocol}`;
  }
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`;
}

export function renderConsentPage(request: AuthorizationRequest, params: Record<string, string>, options: { error?: string; username?: string }): string {
  const hidden = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  const website = request.application.website
    ? ` (<a href="${escapeHtml(request.application.website)}" rel="noopener noreferrer">${escapeHtml(new URL(request.application.website).host)}</a>)`
    : "";
  const scopes = request.scopes.map((scope) => `<li>${escapeHtml(describeScope(scope))}</li>`).join("");
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : "";
  return page(
    `Sign in to ${request.application.name}`,
    `<h1>${escapeHtml(request.application.name)}${website} wants to use your Hearth account</h1>
<p>If you allow it, it will be able to:</p><ul>${scopes}</ul>${error}
<form method="post" action="/oauth/authorize">${hidden}
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autocapitalize="none" value="${escapeHtml(options.username ?? "")}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div></form>`,
  );
}

export function renderErrorPage(message: string): string {
  return page("Sign-in stopped", `<h1>Sign-in stopped</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}

/** For apps without a redirect (urn:ietf:wg:oauth:2.0:oob): the person copies the code into the app. */
export function renderCodePage(applicationName: string, code: string): string {
  return page(
    "Authorization code",
    `<h1>Copy this code into ${escapeHtml(applicationName)}</h1><p><code>${escapeHtml(code)}</code></p>`,
  );
}
