import type { RegisteredApplication, TokenAnswer } from "../api/entities.ts";
import type { ApiClient } from "../api/http.ts";
import { readJson, writeJson, type KeyValueStore } from "../state/key-value-store.ts";
import { codeChallengeFor, randomToken } from "./pkce.ts";
import type { Session } from "./session.ts";

/**
 * Signing in the way any Mastodon app does: register an app, send the person to /oauth/authorize with a PKCE
 * challenge, exchange the code that comes back. The web client gets no shortcut, so it proves the path the
 * other apps take.
 */

export const CALLBACK_PATH = "/sign-in/callback";
export const SCOPES = "read write follow push";
const APP_KEY = "hearth.oauth-app";
const PENDING_KEY = "hearth.oauth-pending";

interface StoredApp {
  redirectUri: string;
  clientId: string;
  clientSecret: string;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  redirectUri: string;
  /** Where to go once signed in. */
  returnTo: string;
}

export interface SignInStores {
  /** Lasting: the app registration is reused across sign-ins. */
  local: KeyValueStore;
  /** This tab only: the verifier never outlives the sign-in it belongs to. */
  session: KeyValueStore;
}

/** One registration per address the page is reached at: the tunnel's and the loopback one differ. */
async function registeredApp(api: ApiClient, stores: SignInStores, origin: string): Promise<StoredApp> {
  const redirectUri = `${origin}${CALLBACK_PATH}`;
  const stored = readJson<StoredApp>(stores.local, APP_KEY);
  if (stored?.redirectUri === redirectUri) return stored;
  const app = await api.request<RegisteredApplication>("POST", "/api/v1/apps", {
    json: { client_name: "Hearth", redirect_uris: redirectUri, scopes: SCOPES, website: origin },
  });
  const fresh = { redirectUri, clientId: app.client_id, clientSecret: app.client_secret };
  writeJson(stores.local, APP_KEY, fresh);
  return fresh;
}

/** Prepares the sign-in and gives the consent page's address; the caller sends the browser there. */
export async function beginSignIn(api: ApiClient, stores: SignInStores, origin: string, returnTo = "/"): Promise<string> {
  const app = await registeredApp(api, stores, origin);
  const pending: PendingSignIn = { state: randomToken(16), verifier: randomToken(), redirectUri: app.redirectUri, returnTo };
  writeJson(stores.session, PENDING_KEY, pending);
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope: SCOPES,
    state: pending.state,
    code_challenge: await codeChallengeFor(pending.verifier),
    code_challenge_method: "S256",
  });
  return `${api.base}/oauth/authorize?${query}`;
}

export class SignInError extends Error {}

/** The callback: checks the state, trades the code (with the verifier) for a token. */
export async function completeSignIn(api: ApiClient, stores: SignInStores, callbackQuery: string): Promise<{ session: Session; returnTo: string }> {
  const params = new URLSearchParams(callbackQuery);
  const pending = readJson<PendingSignIn>(stores.session, PENDING_KEY);
  stores.session.removeItem(PENDING_KEY);
  const error = params.get("error");
  if (error === "access_denied") throw new SignInError("Sign-in was cancelled.");
  if (error) throw new SignInError(params.get("error_description") ?? `Sign-in failed (${error}).`);
  if (!pending) throw new SignInError("This sign-in was not started here, or has already been used; start again.");
  // The state ties the answer to the request this tab made: a forged callback carries someone else's code.
  if (params.get("state") !== pending.state) throw new SignInError("The sign-in answer does not match the request; start again.");
  const code = params.get("code");
  if (!code) throw new SignInError("The server sent no authorization code; start again.");
  const app = readJson<StoredApp>(stores.local, APP_KEY);
  if (!app || app.redirectUri !== pending.redirectUri) throw new SignInError("This browser forgot the app registration; start again.");
  const token = await api.request<TokenAnswer>("POST", "/oauth/token", {
    json: {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: app.redirectUri,
      code_verifier: pending.verifier,
    },
  });
  return { session: { accessToken: token.access_token, clientId: app.clientId, clientSecret: app.clientSecret }, returnTo: pending.returnTo };
}

/** Revokes the token on the server; the caller forgets it locally whether or not the server could be told. */
export async function revokeSession(api: ApiClient, session: Session): Promise<void> {
  await api.request("POST", "/oauth/revoke", {
    json: { client_id: session.clientId, client_secret: session.clientSecret, token: session.accessToken },
  });
}
