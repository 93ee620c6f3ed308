import { Hono } from "hono";
import { getApplication } from "../../core/auth/applications.ts";
import { scopesAllow } from "../../core/auth/scopes.ts";
import { issueAccessToken } from "../../core/auth/tokens.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import { requireUsableInvite } from "../../core/invites/invites.ts";
import { signUpWithInvite } from "../../core/invites/sign-up.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, readInput, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";

export interface SignUpRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

// Mastodon 4.3's parameters. email, locale, reason, time_zone and date_of_birth are taken and not kept:
// Hearth sends no mail, and members are invited by someone who knows them.
const SignUp = { username: text(), password: text(), agreement: flag(false), invite_code: text(), email: text(), locale: text() };

/**
 * POST /api/v1/accounts: an app signs a person up in-app (Mastodon's Api::V1::AccountsController#create). As on
 * Mastodon, the app brings its own token (client credentials) with write:accounts; registrations are closed,
 * so only a usable invite_code lets it through (403 otherwise); the answer is the new account's token, made
 * for the app with the app's scopes (AppSignUpService).
 */
export function signUpRoutes({ core, origin }: SignUpRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", async (c) => {
    c.header("Cache-Control", "no-store");
    const auth = c.get("auth");
    if (!auth) return mastodonError(c, 401, "The access token is invalid");
    if (!scopesAllow(auth.scopes, "write:accounts")) return mastodonError(c, 403, "This action is outside the authorized scopes");
    const input = await readInput(c, SignUp);
    if (!input.invite_code) throw new Forbidden("Sign-up here is by invitation only: give the invite_code from your invite link.");
    await requireUsableInvite(core, input.invite_code);
    if (!input.agreement) throw new Invalid("Agreement must be accepted: send agreement=true once the person has read the instance's rules.");
    if (!input.username?.trim()) throw new Invalid("Choose a username.");
    if (!input.password) throw new Invalid("Choose a password of at least 8 characters.");
    const application = await getApplication(core, auth.token.application_id);
    if (!application) return mastodonError(c, 401, "The access token is invalid");
    const { account } = await signUpWithInvite(core, {
      code: input.invite_code,
      username: input.username.trim(),
      password: input.password,
      origin: origin(),
    });
    const issued = await issueAccessToken(core, { applicationId: application.id, accountId: account.id, scopes: application.scopes.split(" ") });
    return c.json({
      access_token: issued.token,
      token_type: "Bearer",
      scope: issued.row.scopes,
      created_at: Math.floor(Date.parse(issued.row.created_at) / 1000),
    });
  });

  return routes;
}
