import { Hono } from "hono";
import { KNOWN_SCOPES } from "../../core/auth/scopes.ts";
import type { HonoApiEnv } from "../hono-env.ts";

/** RFC 8414 authorization server metadata, which newer apps read instead of assuming Mastodon's paths. */
export function authorizationServerMetadata(origin: string) {
  return {
    issuer: `${origin}/`,
    service_documentation: "https://docs.joinmastodon.org/",
    authorization_endpoint: `${origin}/oauth/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    revocation_endpoint: `${origin}/oauth/revoke`,
    app_registration_endpoint: `${origin}/api/v1/apps`,
    scopes_supported: KNOWN_SCOPES,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    code_challenge_methods_supported: ["S256"],
    grant_types_supported: ["authorization_code", "client_credentials"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  };
}

/** GET /.well-known/oauth-authorization-server. */
export function oauthMetadataRoutes({ origin }: { origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", (c) => c.json(authorizationServerMetadata(origin())));
  return routes;
}
