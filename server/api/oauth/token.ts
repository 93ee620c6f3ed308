import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { authenticateClient } from "../../core/auth/applications.ts";
import { exchangeAuthorizationCode, InvalidGrant } from "../../core/auth/authorization-codes.ts";
import type { CoreContext } from "../../core/context.ts";
import { scopesAllow, tolerantScopes } from "../../core/auth/scopes.ts";
import { issueAccessToken, revokeAccessToken, type IssuedToken } from "../../core/auth/tokens.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { presentText, readInput } from "../input.ts";
import type { ApplicationRow } from "../../core/rows.ts";

/** OAuth's own error body (RFC 6749 §5.2), which OAuth libraries in apps parse. */
function oauthError(c: Context, status: ContentfulStatusCode, error: string, description: string): Response {
  c.header("Cache-Control", "no-store");
  return c.json({ error, error_description: description }, status);
}

/** A client's credentials in the body; HTTP Basic is the other way (RFC 6749 §2.3.1), and both are in use. */
const ClientCredentials = { client_id: presentText(), client_secret: presentText() };

/** POST /oauth/token: the grant, and what each grant type needs. */
const TokenRequest = {
  ...ClientCredentials,
  grant_type: presentText(),
  code: presentText(),
  redirect_uri: presentText(),
  code_verifier: presentText(),
  scope: presentText(),
};

/** POST /oauth/revoke (RFC 7009). */
const Revocation = { ...ClientCredentials, token: presentText() };

/** Client credentials from the body or from HTTP Basic (RFC 6749 §2.3.1); both are in use. */
function clientCredentials(c: Context, params: { client_id?: string; client_secret?: string }): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, "base64").toString("utf8").split(":");
    return { clientId: id ? decodeURIComponent(id) : undefined, clientSecret: secret ? decodeURIComponent(secret) : undefined };
  }
  return { clientId: params.client_id, clientSecret: params.client_secret };
}

function tokenResponse(c: Context, issued: IssuedToken): Response {
  c.header("Cache-Control", "no-store");
  return c.json({
    access_token: issued.token,
    token_type: "Bearer",
    scope: issued.row.scopes,
    created_at: Math.floor(new Date(issued.row.created_at).getTime() / 1000),
  });
}

export function tokenRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/token", async (c) => {
    const params = await readInput(c, TokenRequest);
    const grantType = params.grant_type;
    const { clientId, clientSecret } = clientCredentials(c, params);
    let application: ApplicationRow | undefined;
    if (clientId !== undefined && clientSecret !== undefined) application = await authenticateClient(core, clientId, clientSecret);
    if (!application) return oauthError(c, 401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret.");

    if (grantType === "authorization_code") {
      const code = params.code;
      const redirectUri = params.redirect_uri;
      if (!code || !redirectUri) return oauthError(c, 400, "invalid_request", "The code and redirect_uri parameters are required.");
      try {
        const issued = await exchangeAuthorizationCode(core, application, { code, redirectUri, codeVerifier: params.code_verifier });
        return tokenResponse(c, issued);
      } catch (error) {
        if (error instanceof InvalidGrant) return oauthError(c, 400, "invalid_grant", error.message);
        throw error;
      }
    }
    if (grantType === "client_credentials") {
      // An app-only token: it acts for the app (verify its registration, read public data), never a user.
      const scopes = tolerantScopes(params.scope);
      const appScopes = application.scopes.split(" ");
      const beyond = scopes.filter((scope) => !scopesAllow(appScopes, scope));
      if (beyond.length > 0) return oauthError(c, 400, "invalid_scope", `The app did not register the scopes ${beyond.join(", ")}.`);
      return tokenResponse(c, await issueAccessToken(core, { applicationId: application.id, accountId: null, scopes }));
    }
    return oauthError(c, 400, "unsupported_grant_type", "Use grant_type authorization_code or client_credentials.");
  });

  routes.post("/revoke", async (c) => {
    const params = await readInput(c, Revocation);
    const { clientId, clientSecret } = clientCredentials(c, params);
    const application = clientId !== undefined && clientSecret !== undefined ? await authenticateClient(core, clientId, clientSecret) : undefined;
    if (!application) return oauthError(c, 403, "unauthorized_client", "You are not authorized to revoke this token.");
    const token = params.token;
    if (!token) return oauthError(c, 400, "invalid_request", "The token parameter is required.");
    // RFC 7009 §2.2: answer 200 whether or not the token existed.
    await revokeAccessToken(core, token, application.id);
    return c.json({});
  });

  return routes;
}
