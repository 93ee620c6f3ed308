import { Hono } from "hono";
import { createApplication, getApplication } from "../../core/auth/applications.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { validateRedirectUri } from "../../core/auth/redirect-uris.ts";
import { tolerantScopes } from "../../core/auth/scopes.ts";
import { getVapidKeys } from "../../core/notifications/vapid-keys.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toApplication, toCredentialApplication } from "../entities/application.ts";
import { mastodonError } from "../mastodon-error.ts";
import { readParams, textListParam, textParam } from "../params.ts";

const NAME_MAX = 60;

export function appRoutes(core: CoreContext): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", async (c) => {
    const params = await readParams(c);
    const name = textParam(params, "client_name")?.trim();
    if (!name) throw new Invalid("Validation failed: Application name can't be blank");
    if (name.length > NAME_MAX) throw new Invalid(`Validation failed: Application name is too long (maximum is ${NAME_MAX} characters)`);
    // Some apps send several URIs in one newline-separated string, others as an array.
    const redirectUris = (textListParam(params, "redirect_uris") ?? [])
      .flatMap((value) => value.split(/\r?\n/))
      .map((value) => value.trim())
      .filter(Boolean);
    if (redirectUris.length === 0) throw new Invalid("Validation failed: Redirect URI can't be blank");
    redirectUris.forEach(validateRedirectUri);
    const website = textParam(params, "website") ?? null;
    const { application, clientSecret } = await createApplication(core, {
      name,
      website,
      redirectUris,
      scopes: tolerantScopes(textParam(params, "scopes")),
    });
    // The VAPID key apps read from their registration, to subscribe to Web Push with.
    return c.json(toCredentialApplication(application, clientSecret, (await getVapidKeys(core)).publicKey));
  });

  routes.get("/verify_credentials", async (c) => {
    const auth = c.get("auth");
    if (!auth) return mastodonError(c, 401, "The access token is invalid");
    const application = await getApplication(core, auth.token.application_id);
    if (!application) return mastodonError(c, 401, "The access token is invalid");
    return c.json(toApplication(application, (await getVapidKeys(core)).publicKey));
  });

  return routes;
}
