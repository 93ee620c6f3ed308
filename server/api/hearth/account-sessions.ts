import { Hono } from "hono";
import { listAuthorizedApplications, revokeAuthorizedApplication } from "../../core/auth/authorized-applications.ts";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { pathId } from "../input.ts";

/**
 * The apps signed in to one's own account, as Mastodon's "Authorized apps" page groups them (one line per app,
 * however many tokens it holds), and revoking one: GET /api/hearth/account/sessions, DELETE .../sessions/:id
 * (the app's id). `current` marks the app whose token asks, so a client knows it is signing itself out.
 */
export function accountSessionRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/sessions", requireUser("read"), async (c) => {
    const auth = c.get("auth")!;
    const applications = await listAuthorizedApplications(core, auth.account!.id);
    c.header("Cache-Control", "no-store");
    return c.json(
      applications.map((application) => ({
        id: application.applicationId,
        name: application.name,
        website: application.website,
        scopes: application.scopes,
        created_at: application.authorizedAt,
        last_used_at: application.lastUsedAt,
        sessions: application.tokenIds.length,
        current: application.tokenIds.includes(auth.token.id),
      })),
    );
  });

  routes.delete("/sessions/:id", requireUser("write"), async (c) => {
    const auth = c.get("auth")!;
    const applicationId = pathId(c);
    const revoked = await revokeAuthorizedApplication(core, auth.account!.id, applicationId);
    c.header("Cache-Control", "no-store");
    return c.json({ signed_out_sessions: revoked, current: applicationId === auth.token.application_id });
  });

  return routes;
}
