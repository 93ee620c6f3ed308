import { Hono, type Context } from "hono";
import { getAccount } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import { getInstance } from "../../core/instance/instance.ts";
import { findInviteByCode, requireUsableInvite } from "../../core/invites/invites.ts";
import { signUpWithInvite } from "../../core/invites/sign-up.ts";
import type { InviteRow } from "../../core/rows.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { INVITE_PAGE_CSP, renderInvitePage, renderInviteRefusedPage, renderWelcomePage, type InvitePageFacts } from "./invite-page.ts";

export interface InviteLinkRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const SignUpForm = { username: text(), display_name: text(), password: text(), password_confirmation: text() };

function noStore(c: Context): void {
  c.header("Cache-Control", "no-store");
  c.header("Content-Security-Policy", INVITE_PAGE_CSP);
  c.header("X-Frame-Options", "DENY");
}

/** Rails picks the JSON answer of /invite/:code by the Accept header, as apps ask for it (Mastodon 4.3). */
function wantsJson(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

async function pageFacts(core: CoreContext, origin: string, invite: InviteRow): Promise<InvitePageFacts> {
  const [instance, inviter] = await Promise.all([getInstance(core), getAccount(core, invite.inviter_account_id)]);
  const host = new URL(origin).host;
  return {
    code: invite.code,
    instanceName: instance?.name ?? "Hearth",
    description: instance?.description ?? "",
    // Hearth has no instance rules yet (/api/v1/instance/rules is empty); the page shows them once it has.
    rules: [],
    inviter: { displayName: inviter?.display_name ?? "", handle: `@${inviter?.username ?? "owner"}@${host}` },
    host,
  };
}

/** The invite if it can still be used, or the sentence that says why not (revoked, expired, used up, unknown). */
async function usableInvite(core: CoreContext, code: string): Promise<{ invite: InviteRow } | { refusal: string }> {
  try {
    return { invite: await requireUsableInvite(core, code) };
  } catch (error) {
    if (error instanceof Forbidden) return { refusal: error.message };
    throw error;
  }
}

/**
 * /invite/:code, the link the owner shares: a page any browser (a phone's too) opens without the web client's
 * JavaScript, with a form that makes the account; and for apps, the same path asked for JSON answers where
 * to sign up (Mastodon 4.3's Api::V1::InvitesController), after which they POST /api/v1/accounts.
 */
export function inviteLinkRoutes({ core, origin }: InviteLinkRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/:code", async (c) => {
    const code = c.req.param("code");
    if (wantsJson(c)) {
      c.header("Cache-Control", "no-store");
      const known = await findInviteByCode(core, code);
      if (!known) return mastodonError(c, 404, "Record not found");
      const checked = await usableInvite(core, code);
      if ("refusal" in checked) return mastodonError(c, 401, checked.refusal);
      return c.json({ invite_code: code, instance_api_url: `${origin()}/api/v2/instance` });
    }
    noStore(c);
    const checked = await usableInvite(core, code);
    if ("refusal" in checked) return c.html(renderInviteRefusedPage(checked.refusal), 403);
    return c.html(renderInvitePage(await pageFacts(core, origin(), checked.invite)));
  });

  routes.post("/:code", async (c) => {
    noStore(c);
    const code = c.req.param("code");
    const checked = await usableInvite(core, code);
    if ("refusal" in checked) return c.html(renderInviteRefusedPage(checked.refusal), 403);
    const { invite } = checked;
    const form = await readInput(c, SignUpForm);
    const username = form.username?.trim() ?? "";
    const displayName = form.display_name?.trim() ?? "";
    const facts = await pageFacts(core, origin(), invite);
    const refuse = (error: string) => c.html(renderInvitePage(facts, { error, username, displayName }), 422);
    if (username === "") return refuse("Choose a username.");
    if (!form.password) return refuse("Choose a password of at least 8 characters.");
    if (form.password_confirmation !== undefined && form.password_confirmation !== form.password) {
      return refuse("The two passwords differ; type the same password in both fields.");
    }
    try {
      const { account } = await signUpWithInvite(core, { code, username, password: form.password, displayName, origin: origin() });
      return c.html(
        renderWelcomePage({
          instanceName: facts.instanceName,
          handle: `@${account.username}@${facts.host}`,
          host: facts.host,
          webClientUrl: `${origin()}/`,
        }),
        201,
      );
    } catch (error) {
      // The invite may have been used up or revoked while the form was filled in.
      if (error instanceof Forbidden) return c.html(renderInviteRefusedPage(error.message), 403);
      if (error instanceof Invalid) return refuse(error.message);
      throw error;
    }
  });

  return routes;
}
