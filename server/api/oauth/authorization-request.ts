import { findApplicationByClientId, redirectUrisOf } from "../../core/auth/applications.ts";
import type { CoreContext } from "../../core/context.ts";
import { scopesAllow, tolerantScopes } from "../../core/auth/scopes.ts";
import { presentText, type Input } from "../input.ts";
import type { ApplicationRow } from "../../core/rows.ts";

/** The parameters of a request to authorize an app, as GET and POST /oauth/authorize take them. */
export const AuthorizationParams = {
  response_type: presentText(),
  client_id: presentText(),
  redirect_uri: presentText(),
  scope: presentText(),
  // Some apps send Mastodon's app-registration name for it.
  scopes: presentText(),
  state: presentText(),
  code_challenge: presentText(),
  code_challenge_method: presentText(),
};

export type AuthorizationParams = Input<typeof AuthorizationParams>;

/** A checked request to authorize an app (RFC 6749 §4.1.1 with PKCE, RFC 7636). */
export interface AuthorizationRequest {
  application: ApplicationRow;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string | null;
}

/**
 * Errors that must not redirect, because the redirect target itself is in doubt (§4.1.2.1): shown to the
 * person on a page. Errors after that go back to the app as ?error=.
 */
export type AuthorizationRequestError =
  | { kind: "page"; message: string }
  | { kind: "redirect"; redirectUri: string; state: string | undefined; error: string; description: string };

export async function checkAuthorizationRequest(
  core: CoreContext,
  params: AuthorizationParams,
): Promise<{ request: AuthorizationRequest } | { error: AuthorizationRequestError }> {
  const clientId = params.client_id;
  const application = clientId === undefined ? undefined : await findApplicationByClientId(core, clientId);
  if (!application) return { error: { kind: "page", message: "The app asking to sign in is not registered with this server." } };
  const registered = redirectUrisOf(application);
  const requestedRedirect = params.redirect_uri ?? (registered.length === 1 ? registered[0] : undefined);
  if (requestedRedirect === undefined || !registered.includes(requestedRedirect)) {
    return { error: { kind: "page", message: "The app gave a return address it did not register, so this sign-in was stopped." } };
  }
  const state = params.state;
  const fail = (error: string, description: string) => ({
    error: { kind: "redirect" as const, redirectUri: requestedRedirect, state, error, description },
  });
  if (params.response_type !== "code") return fail("unsupported_response_type", "Only response_type=code is supported.");
  const appScopes = application.scopes.split(" ");
  const scopes = tolerantScopes(params.scope ?? params.scopes);
  const beyond = scopes.filter((scope) => !scopesAllow(appScopes, scope));
  if (beyond.length > 0) return fail("invalid_scope", `The app did not register the scopes ${beyond.join(", ")}.`);
  const codeChallenge = params.code_challenge ?? null;
  const method = params.code_challenge_method;
  if (codeChallenge !== null && method !== "S256") return fail("invalid_request", "Only the S256 code_challenge_method is supported.");
  if (codeChallenge !== null && !/^[A-Za-z0-9._~-]{43,128}$/.test(codeChallenge)) return fail("invalid_request", "The code_challenge is malformed.");
  return { request: { application, redirectUri: requestedRedirect, scopes, state, codeChallenge } };
}

/** The app's redirect URI with OAuth's answer added to its query. */
export function redirectWith(redirectUri: string, answer: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(answer)) if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}
