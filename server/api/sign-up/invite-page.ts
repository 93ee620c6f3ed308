import { escapeHtml, htmlPage } from "../html-page.ts";

export const INVITE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface InvitePageFacts {
  code: string;
  instanceName: string;
  /** The instance's description, plain text. */
  description: string;
  rules: readonly string[];
  inviter: { displayName: string; handle: string };
  /** The host people type into an app to sign in: the instance's domain. */
  host: string;
}

export interface InviteFormState {
  error?: string;
  username?: string;
  displayName?: string;
}

function rulesSection(rules: readonly string[]): string {
  if (rules.length === 0) return `<p>This instance has no written rules: be as kind here as at the kitchen table.</p>`;
  return `<h2>Rules</h2><ol>${rules.map((rule) => `<li>${escapeHtml(rule)}</li>`).join("")}</ol>`;
}

/** The sign-up form an invite link opens: who invites you where, and the three things to choose. */
export function renderInvitePage(facts: InvitePageFacts, state: InviteFormState = {}): string {
  const inviter = facts.inviter.displayName
    ? `${escapeHtml(facts.inviter.displayName)} (${escapeHtml(facts.inviter.handle)})`
    : escapeHtml(facts.inviter.handle);
  const description = facts.description ? `<p>${escapeHtml(facts.description)}</p>` : "";
  const error = state.error ? `<p class="error" role="alert">${escapeHtml(state.error)}</p>` : "";
  return htmlPage(
    `Join ${facts.instanceName}`,
    `<h1>${inviter} invites you to ${escapeHtml(facts.instanceName)}</h1>${description}${rulesSection(facts.rules)}${error}
<form method="post" action="/invite/${encodeURIComponent(facts.code)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autocapitalize="none" maxlength="30" value="${escapeHtml(state.username ?? "")}">
<p class="hint">Letters, digits and underscores; you will be @name@${escapeHtml(facts.host)}.</p>
<label for="display_name">Display name</label><input id="display_name" name="display_name" autocomplete="name" maxlength="30" value="${escapeHtml(state.displayName ?? "")}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
<p class="hint">At least 8 characters.</p>
<label for="password_confirmation">Password again</label><input id="password_confirmation" name="password_confirmation" type="password" autocomplete="new-password" required minlength="8">
<div class="actions"><button class="primary" type="submit">Join</button></div></form>`,
  );
}

/** After the sign-up: how to come in, from any Mastodon app or from the web client. */
export function renderWelcomePage(facts: { instanceName: string; handle: string; host: string; webClientUrl: string }): string {
  return htmlPage(
    `Welcome to ${facts.instanceName}`,
    `<h1>Welcome, ${escapeHtml(facts.handle)}</h1>
<p>Your account is ready. Sign in with your username and password:</p>
<ul><li>in any Mastodon app (on a phone too): choose to sign in, and give <code>${escapeHtml(facts.host)}</code> as the server;</li>
<li>or in the browser: <a href="${escapeHtml(facts.webClientUrl)}">open ${escapeHtml(facts.instanceName)}'s web client</a>.</li></ul>`,
  );
}

/** An invite that cannot be used: the sentence, and nothing to fill in. */
export function renderInviteRefusedPage(message: string): string {
  return htmlPage("Invite not valid", `<h1>This invite cannot be used</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
