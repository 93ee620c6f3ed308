import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Conflict, Forbidden, Invalid } from "../../core/errors.ts";
import { getInstance, setupInstance } from "../../core/instance/instance.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccount } from "../entities/account-list.ts";
import { readInput, text } from "../input.ts";

// Mastodon's limit for a display name.
const DISPLAY_NAME_MAX = 30;

export interface SetupRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

const Setup = { username: text(), password: text(), display_name: text() };

/**
 * The first-run wizard's one write: the owner account on an empty data directory. There is no account yet
 * to authenticate, so whoever reaches the server first could claim it; requests through the tunnel (its own
 * listener, or the main one with Cloudflare's Cf-Connecting-IP when a tunnel is routed there) are therefore
 * refused, and only this computer (or the LAN, when the owner chose to listen there) can set it up. Afterwards the wizard signs in through OAuth like any app.
 */
export function setupRoutes({ core, origin }: SetupRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.post("/", async (c) => {
    c.header("Cache-Control", "no-store");
    if (c.get("client").isThroughTunnel || c.req.header("cf-connecting-ip") !== undefined) {
      throw new Forbidden("Hearth is set up from the computer it runs on, not through its public address.");
    }
    if (await getInstance(core)) throw new Conflict("This Hearth is already set up; sign in instead.");
    const input = await readInput(c, Setup);
    const username = input.username?.trim();
    const password = input.password;
    const displayName = input.display_name?.trim();
    if (!username) throw new Invalid("Choose a username.");
    if (!password) throw new Invalid("Choose a password.");
    if (displayName !== undefined && [...displayName].length > DISPLAY_NAME_MAX) {
      throw new Invalid(`The display name is too long: use at most ${DISPLAY_NAME_MAX} characters.`);
    }
    // Invalid usernames and passwords come back as Invalid (422), a setup that raced this one as Conflict (409).
    const { owner } = await setupInstance(core, { username, password, displayName: displayName || undefined });
    return c.json({ account: await renderAccount(core, owner, origin()) });
  });

  return routes;
}
