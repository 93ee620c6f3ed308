import { createMiddleware } from "hono/factory";
import type { CoreContext } from "../core/context.ts";
import { getAccount } from "../core/accounts.ts";
import { scopesAllow } from "../core/scopes.ts";
import { findAccessToken, noteAccessTokenUse } from "../core/tokens.ts";
import type { ApiEnv } from "./env.ts";
import { mastodonError } from "./mastodon-error.ts";

const INVALID_TOKEN = "The access token is invalid";

/**
 * Reads the bearer token, if any. Loopback is never trusted: everything through the tunnel also comes
 * from 127.0.0.1, so the owner is whoever holds a token.
 */
export function authenticate(core: CoreContext) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    c.set("auth", null);
    const header = c.req.header("authorization");
    // Without the header, Mastodon (Doorkeeper) takes the token as ?access_token=; some apps and scripts send it so.
    const queryToken = header === undefined ? c.req.query("access_token") : undefined;
    if (header === undefined && !queryToken) return next();
    const presented = queryToken ?? /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
    if (!presented) return mastodonError(c, 401, INVALID_TOKEN);
    const token = await findAccessToken(core, presented);
    if (!token) return mastodonError(c, 401, INVALID_TOKEN);
    const account = token.account_id === null ? null : ((await getAccount(core, token.account_id)) ?? null);
    if (token.account_id !== null && account === null) return mastodonError(c, 401, INVALID_TOKEN);
    await noteAccessTokenUse(core, token);
    c.set("auth", { token, scopes: token.scopes.split(" "), account });
    return next();
  });
}

/** An endpoint that acts for a signed-in user holding any one of the given scopes. */
export function requireUser(...scopes: [string, ...string[]]) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const auth = c.get("auth");
    if (!auth) return mastodonError(c, 401, INVALID_TOKEN);
    if (!auth.account) return mastodonError(c, 422, "This method requires an authenticated user");
    if (!scopes.some((scope) => scopesAllow(auth.scopes, scope))) return mastodonError(c, 403, "This action is outside the authorized scopes");
    return next();
  });
}
