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
import { presentText, readInput, textList } from "../input.ts";

const NAME_MAX = 60;

const App = { client_name: presentText(), redirect_uris: textList(), website: presentText(), scopes: presentText() };

export function appRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", async (c) => {
    const input = await readInput(c, App);
    const name = input.client_name?.trim();
    if (!name) throw new Invalid("Validation failed: Application name can't be blank");
    if (name.length > NAME_MAX) throw new Invalid(`Validation failed: Application name is too long (maximum is ${NAME_MAX} characters)`);
    // Some apps send several URIs in one newline-separated string, others as an array.
    const redirectUris = (input.redirect_uris ?? [])
      .flatMap((value) => value.split(/\r?\n/))
      .map((value) => value.trim())
      .filter(Boolean);
    if (redirectUris.length === 0) throw new Invalid("Validation failed: Redirect URI can't be blank");
    redirectUris.forEach(validateRedirectUri);
    const website = input.website ?? null;
    const { application, clientSecret } = await createApplication(core, {
      name,
      website,
      redirectUris,
      scopes: tolerantScopes(input.scopes),
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
