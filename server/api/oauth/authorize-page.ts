import { NO_REDIRECT } from "../../core/auth/tokens.ts";
import { escapeHtml, htmlPage as page } from "../html-page.ts";
import type { AuthorizationRequest } from "./authorization-request.ts";

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

/**
 * The second step, for an account with two-factor sign-in on: the code from the authenticator app, or one of
 * the recovery codes. The request's parameters and the ticket the right password earned ride along hidden.
 */
export function renderCodeStepPage(request: AuthorizationRequest, params: Record<string, string>, options: { error?: string }): string {
  const hidden = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : "";
  return page(
    `Two-factor sign-in to ${request.application.name}`,
    `<h1>Enter the code from your authenticator app</h1>
<p>Your account asks for a second step. Type the six-digit code your app shows now, or one of your recovery codes.</p>${error}
<form method="post" action="/oauth/authorize">${hidden}
<label for="code">Code</label><input id="code" name="code" autocomplete="one-time-code" inputmode="text" required autocapitalize="none" autofocus>
<div class="actions"><button class="primary" type="submit" name="decision" value="allow">Sign in</button>
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
