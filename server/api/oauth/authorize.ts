import { Hono, type Context } from "hono";
import { createAuthorizationCode } from "../../core/auth/authorization-codes.ts";
import type { CoreContext } from "../../core/context.ts";
import { signIn } from "../../core/auth/sign-in.ts";
import type { SignInLockout } from "../../core/auth/sign-in-lockout.ts";
import { NO_REDIRECT } from "../../core/auth/tokens.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { presentText, readInput } from "../input.ts";
import { AuthorizationParams, checkAuthorizationRequest, redirectWith, type AuthorizationRequest, type AuthorizationRequestError } from "./authorization-request.ts";
import { consentPageCsp, renderCodePage, renderConsentPage, renderErrorPage } from "./authorize-page.ts";

/** The request's own parameters, carried through the form so the POST sees what the GET saw. */
const CARRIED = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"] as const;

function carried(params: AuthorizationParams): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = params[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** The consent form's answer, beside the request it carries. */
const Consent = { ...AuthorizationParams, decision: presentText(), username: presentText(), password: presentText() };

function noStore(c: Context, csp: string): void {
  c.header("Cache-Control", "no-store");
  c.header("Content-Security-Policy", csp);
  c.header("X-Frame-Options", "DENY");
}

function answerError(c: Context, error: AuthorizationRequestError): Response {
  if (error.kind === "page") {
    noStore(c, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return c.html(renderErrorPage(error.message), 400);
  }
  return c.redirect(redirectWith(error.redirectUri, { error: error.error, error_description: error.description, state: error.state }), 302);
}

function showConsent(c: Context, request: AuthorizationRequest, params: AuthorizationParams, options: { error?: string; username?: string }, status: 200 | 401 | 403 | 429) {
  noStore(c, consentPageCsp(request.redirectUri));
  return c.html(renderConsentPage(request, carried(params), options), status);
}

/** Whole minutes until `until`, at least one: "in 3 minutes". */
function inMinutes(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function authorizeRoutes({ core, signInLockout }: { core: CoreContext; signInLockout: SignInLockout }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", async (c) => {
    const params = await readInput(c, AuthorizationParams);
    const checked = await checkAuthorizationRequest(core, params);
    if ("error" in checked) return answerError(c, checked.error);
    return showConsent(c, checked.request, params, {}, 200);
  });

  routes.post("/", async (c) => {
    const params = await readInput(c, Consent);
    const checked = await checkAuthorizationRequest(core, params);
    if ("error" in checked) return answerError(c, checked.error);
    const { request } = checked;
    if (params.decision === "deny") {
      return c.redirect(redirectWith(request.redirectUri, { error: "access_denied", error_description: "The user denied the request.", state: request.state }), 302);
    }
    const username = params.username ?? "";
    const client = { address: c.get("client").address, userAgent: c.req.header("user-agent") ?? null };
    const outcome = await signIn(core, signInLockout, { username, password: params.password ?? "" }, client);
    if (outcome.kind === "locked") {
      const now = core.clock.now();
      c.header("Retry-After", String(Math.max(1, Math.ceil((outcome.retryAt.getTime() - now.getTime()) / 1000))));
      const error =
        `Too many wrong passwords for ${outcome.username} lately, so signing in to it is paused for everyone. ` +
        `Try again ${inMinutes(outcome.retryAt, now)}; the owner can see the failed attempts in Hearth's settings.`;
      return showConsent(c, request, params, { error, username }, 429);
    }
    if (outcome.kind === "wrong") return showConsent(c, request, params, { error: "Wrong username or password.", username }, 401);
    if (outcome.kind === "refused") return showConsent(c, request, params, { error: outcome.reason, username }, 403);
    const { account } = outcome;
    const code = await createAuthorizationCode(core, {
      applicationId: request.application.id,
      accountId: account.id,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallenge === null ? null : "S256",
    });
    if (request.redirectUri === NO_REDIRECT) {
      noStore(c, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      return c.html(renderCodePage(request.application.name, code));
    }
    c.header("Cache-Control", "no-store");
    return c.redirect(redirectWith(request.redirectUri, { code, state: request.state }), 302);
  });

  return routes;
}
