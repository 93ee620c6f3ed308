import { createMiddleware } from "hono/factory";
import type { CoreContext } from "../core/context.ts";
import { getAccount } from "../core/accounts/accounts.ts";
import { scopesAllow } from "../core/auth/scopes.ts";
import { findAccessToken, noteAccessTokenUse } from "../core/auth/tokens.ts";
import { signInRefusal } from "../core/moderation/account-actions.ts";
import type { WriteGeneration } from "../db/write-generation.ts";
import type { HonoApiEnv, Authentication } from "./hono-env.ts";
import { mastodonError } from "./mastodon-error.ts";

const INVALID_TOKEN = "The access token is invalid";

const MOST_REMEMBERED_TOKENS = 1_000;
/** Read again now and then even when nothing was written, so noteAccessTokenUse still sees the token used. */
const REREAD_AFTER_MS = 60_000;

interface RememberedAuthentication {
  generation: string;
  readAt: number;
  authentication: Authentication;
}

/**
 * The token and account behind a presented token, read again only once something was written to the
 * database (write-generation.ts): a revoked token, a deleted account or app, an edited profile all write.
 */
function rememberingAuthentications(core: CoreContext, generation: WriteGeneration | undefined) {
  const remembered = new Map<string, RememberedAuthentication>();
  return async (presented: string): Promise<Authentication | undefined> => {
    const generationNow = generation?.current();
    const now = core.clock.now().getTime();
    const known = remembered.get(presented);
    if (known && known.generation === generationNow && now - known.readAt < REREAD_AFTER_MS) return known.authentication;
    const token = await findAccessToken(core, presented);
    if (!token) return undefined;
    const account = token.account_id === null ? null : ((await getAccount(core, token.account_id)) ?? null);
    if (token.account_id !== null && account === null) return undefined;
    // A token issued before a suspension (or by the CLI after it) still opens nothing.
    if (account !== null && signInRefusal(account) !== undefined) return undefined;
    await noteAccessTokenUse(core, token);
    const authentication = { token, scopes: token.scopes.split(" "), account };
    if (generationNow !== undefined) {
      remembered.delete(presented);
      // The generation from before the reads: noteAccessTokenUse's own write makes this stale at once, once an hour.
      remembered.set(presented, { generation: generationNow, readAt: now, authentication });
      if (remembered.size > MOST_REMEMBERED_TOKENS) remembered.delete(remembered.keys().next().value!);
    }
    return authentication;
  };
}

/**
 * Reads the bearer token, if any. Loopback is never trusted: everything through the tunnel also comes
 * from 127.0.0.1, so the owner is whoever holds a token. Without the database's write generation, every
 * request reads its token afresh.
 */
export function authenticate(core: CoreContext, writeGeneration?: WriteGeneration) {
  const authenticationOf = rememberingAuthentications(core, writeGeneration);
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    c.set("auth", null);
    const header = c.req.header("authorization");
    // Without the header, Mastodon (Doorkeeper) takes the token as ?access_token=; some apps and scripts send it so.
    const queryToken = header === undefined ? c.req.query("access_token") : undefined;
    if (header === undefined && !queryToken) return next();
    const presented = queryToken ?? /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
    if (!presented) return mastodonError(c, 401, INVALID_TOKEN);
    const authentication = await authenticationOf(presented);
    if (!authentication) return mastodonError(c, 401, INVALID_TOKEN);
    c.set("auth", authentication);
    return next();
  });
}

/** An endpoint that acts for a signed-in user holding any one of the given scopes. */
export function requireUser(...scopes: [string, ...string[]]) {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    const auth = c.get("auth");
    if (!auth) return mastodonError(c, 401, INVALID_TOKEN);
    if (!auth.account) return mastodonError(c, 422, "This method requires an authenticated user");
    if (!scopes.some((scope) => scopesAllow(auth.scopes, scope))) return mastodonError(c, 403, "This action is outside the authorized scopes");
    return next();
  });
}

/**
 * Mastodon's authorize_if_got_token!: anyone may call, but a request that brings a token must bring one with
 * the scope (a read-only app cannot read more by pretending to be anonymous, nor less by mistake).
 */
export function scopeIfToken(...scopes: [string, ...string[]]) {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    const auth = c.get("auth");
    if (auth && !scopes.some((scope) => scopesAllow(auth.scopes, scope))) return mastodonError(c, 403, "This action is outside the authorized scopes");
    return next();
  });
}
