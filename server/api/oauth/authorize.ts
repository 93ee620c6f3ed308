import { Hono, type Context } from "hono";
import { createAuthorizationCode } from "../../core/auth/authorization-codes.ts";
import type { CoreContext } from "../../core/context.ts";
import { checkCodeLimited } from "../../core/auth/second-step.ts";
import { signIn } from "../../core/auth/sign-in.ts";
import { isTwoFactorEnabled } from "../../core/auth/two-factor.ts";
import type { SignInLockout } from "../../core/auth/sign-in-lockout.ts";
import { NO_REDIRECT } from "../../core/auth/tokens.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { presentText, readInput } from "../input.ts";
import { AuthorizationParams, checkAuthorizationRequest, redirectWith, type AuthorizationRequest, type AuthorizationRequestError } from "./authorization-request.ts";
import { consentPageCsp, renderCodePage, renderCodeStepPage, renderConsentPage, renderErrorPage } from "./authorize-page.ts";
import { retryAfter } from "../retry-after.ts";
import { createTwoFactorTickets } from "./two-factor-tickets.ts";

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
const Consent = {
  ...AuthorizationParams,
  decision: presentText(),
  username: presentText(),
  password: presentText(),
  // The second step, for accounts with two-factor sign-in on.
  two_factor_ticket: presentText(),
  code: presentText(),
};

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

function showCodeStep(c: Context, request: AuthorizationRequest, params: AuthorizationParams, ticket: string, options: { error?: string }, status: 200 | 401 | 429) {
  noStore(c, consentPageCsp(request.redirectUri));
  return c.html(renderCodeStepPage(request, { ...carried(params), two_factor_ticket: ticket }, options), status);
}

export function authorizeRoutes({ core, signInLockout }: { core: CoreContext; signInLockout: SignInLockout }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const tickets = createTwoFactorTickets(core.clock);

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
    let accountId: string;
    if (params.two_factor_ticket !== undefined) {
      const ticket = params.two_factor_ticket;
      const ticketAccountId = tickets.find(ticket, request.application.client_id);
      if (ticketAccountId === undefined) {
        return showConsent(c, request, params, { error: "This sign-in waited too long for its code, or took too many wrong ones; sign in again." }, 401);
      }
      const check = await checkCodeLimited(core, signInLockout, ticketAccountId, params.code ?? "");
      if (check.kind === "locked") {
        const error = `Too many wrong passwords or codes for this account lately, so signing in to it is paused. Try again ${retryAfter(c, check.retryAt, core.clock.now())}.`;
        return showCodeStep(c, request, params, ticket, { error }, 429);
      }
      if (check.kind === "wrong") {
        tickets.spendTry(ticket);
        const error = "That code is not the one your app shows now, nor an unused recovery code. A code works once: wait for the next one.";
        return showCodeStep(c, request, params, ticket, { error }, 401);
      }
      tickets.drop(ticket);
      accountId = ticketAccountId;
    } else {
      const username = params.username ?? "";
      const client = { address: c.get("client").address, userAgent: c.req.header("user-agent") ?? null };
      const outcome = await signIn(core, signInLockout, { username, password: params.password ?? "" }, client);
      if (outcome.kind === "locked") {
        const error =
          `Too many wrong passwords for ${outcome.username} lately, so signing in to it is paused for everyone. ` +
          `Try again ${retryAfter(c, outcome.retryAt, core.clock.now())}; the owner can see the failed attempts in Hearth's settings.`;
        return showConsent(c, request, params, { error, username }, 429);
      }
      if (outcome.kind === "wrong") return showConsent(c, request, params, { error: "Wrong username or password.", username }, 401);
      if (outcome.kind === "refused") return showConsent(c, request, params, { error: outcome.reason, username }, 403);
      if (await isTwoFactorEnabled(core, outcome.account.id)) {
        const ticket = tickets.issue(outcome.account.id, request.application.client_id);
        return showCodeStep(c, request, params, ticket, {}, 200);
      }
      accountId = outcome.account.id;
    }
    const code = await createAuthorizationCode(core, {
      applicationId: request.application.id,
      accountId,
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
