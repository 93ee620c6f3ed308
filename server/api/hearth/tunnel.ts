import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import type { TunnelSettingsChange } from "../../core/instance/tunnel-settings.ts";
import type { TunnelMode } from "../../db/schema.ts";
import type { TunnelControl } from "../../tunnel/status.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { clearable, readInput, type Field } from "../input.ts";

const TRY_OUT_WARNING =
  "This is a try-out address: it changes every time Hearth starts, and followers made through it are lost. Set up a named tunnel for a lasting address.";
const MODES: readonly TunnelMode[] = ["off", "quick", "named"];

export interface TunnelRoutesDependencies {
  core: CoreContext;
  tunnel: TunnelControl;
}

/** The tunnel's status and settings as the UI shows them. The token never leaves: only whether there is one. */
async function tunnelEntity(tunnel: TunnelControl) {
  const status = tunnel.status();
  const settings = await tunnel.settings();
  return {
    mode: settings.mode,
    state: status.state,
    public_url: status.publicUrl,
    is_try_out: settings.mode === "quick",
    warning: settings.mode === "quick" ? TRY_OUT_WARNING : null,
    connections: status.connections,
    reason: status.reason,
    retry_at: status.retryAt,
    restarts: status.restarts,
    since: status.since,
    downloaded_bytes: status.downloadedBytes,
    cloudflared_version: status.cloudflaredVersion,
    hostname: settings.hostname,
    has_token: settings.hasToken,
    tunnel_id: settings.tunnelId,
    local_service_url: tunnel.localServiceUrl,
  };
}

/** A setting sent as text: absent leaves it, empty (or null) clears it, anything but text is refused. */
function setting(): Field<string | null | undefined> {
  return clearable((params, name) => {
    const value = params[name];
    if (typeof value !== "string") throw new Invalid(`${name} must be text.`);
    return value;
  });
}

/** The tunnel's mode, one of MODES (anything else, text or not, is refused). */
function mode(): Field<TunnelMode | undefined> {
  return (params, name) => {
    const value = params[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !MODES.includes(value as TunnelMode)) throw new Invalid(`${name} must be one of: ${MODES.join(", ")}.`);
    return value as TunnelMode;
  };
}

const TunnelSettings = { mode: mode(), hostname: setting(), token: setting() };

/** The tunnel decides how the whole instance is reached: the owner's business alone (routes.ts guards it with manageTunnel). */
export function tunnelRoutes({ tunnel }: TunnelRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await tunnelEntity(tunnel));
  });

  routes.put("/", requireUser("write"), async (c) => {
    const input = await readInput(c, TunnelSettings);
    const change: TunnelSettingsChange = { hostname: input.hostname, token: input.token };
    if (input.mode !== undefined) change.mode = input.mode;
    await tunnel.configure(change);
    c.header("Cache-Control", "no-store");
    return c.json(await tunnelEntity(tunnel));
  });

  return routes;
}
