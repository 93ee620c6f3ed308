import { Hono, type Context } from "hono";
import { changePassword } from "../../core/auth/password-change.ts";
import type { SignInLockout } from "../../core/auth/sign-in-lockout.ts";
import type { SignInClient } from "../../core/auth/sign-in-failures.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { retryAfter } from "../retry-after.ts";

export interface AccountRoutesDependencies {
  core: CoreContext;
  origin(): string;
  signInLockout: SignInLockout;
}

const PasswordChangeInput = { current_password: text(), password: text(), password_confirmation: text() };

/** Who is asking, for the owner's list of failed sign-ins when a password given here is wrong. */
export function requestClient(c: Context<HonoApiEnv>): SignInClient {
  return { address: c.get("client").address, userAgent: c.req.header("user-agent") ?? null };
}

/** The sentence for a password asked again and refused, with its status. */
export function refusePassword(c: Context<HonoApiEnv>, core: CoreContext, outcome: { kind: "wrong" } | { kind: "locked"; retryAt: Date }): Response {
  if (outcome.kind === "locked") {
    const when = retryAfter(c, outcome.retryAt, core.clock.now());
    return mastodonError(c, 429, `Too many wrong passwords or codes for this account lately; try again ${when}.`);
  }
  return mastodonError(c, 422, "Your current password is not that; nothing was changed.");
}

/**
 * POST /api/hearth/account/password {current_password, password, password_confirmation?}: each person's own
 * password (Mastodon has it only in its web pages). Every other session of the account is signed out; the one
 * asking stays signed in.
 */
export function accountPasswordRoutes({ core, signInLockout }: AccountRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/password", requireUser("write"), async (c) => {
    const auth = c.get("auth")!;
    const input = await readInput(c, PasswordChangeInput);
    if (!input.current_password) throw new Invalid("Type your current password to choose a new one.");
    if (!input.password) throw new Invalid("Type the new password.");
    if (input.password_confirmation !== undefined && input.password_confirmation !== input.password) {
      throw new Invalid("The two new passwords differ; type the same new password in both fields.");
    }
    const outcome = await changePassword(
      core,
      signInLockout,
      { accountId: auth.account!.id, keepTokenId: auth.token.id, currentPassword: input.current_password, newPassword: input.password },
      requestClient(c),
    );
    c.header("Cache-Control", "no-store");
    if (outcome.kind !== "changed") return refusePassword(c, core, outcome);
    return c.json({ signed_out_sessions: outcome.revokedTokens });
  });

  return routes;
}
