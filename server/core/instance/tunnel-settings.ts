import type { TunnelMode } from "../../db/schema.ts";
import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { fixCanonicalOrigin, getInstance } from "./instance.ts";
import { write } from "../write.ts";

/** What the tunnel runs with. The token is a secret: it goes to cloudflared's environment and nowhere else. */
export interface TunnelSettings {
  mode: TunnelMode;
  /** The public hostname routed to the named tunnel, e.g. social.example. */
  hostname: string | null;
  token: string | null;
}

/** The settings as the API and the logs may show them: whether there is a token, never the token. */
export interface TunnelSettingsView {
  mode: TunnelMode;
  hostname: string | null;
  hasToken: boolean;
  /** The tunnel's id, read from the token: it names the tunnel in the Cloudflare dashboard and grants nothing. */
  tunnelId: string | null;
}

export interface TunnelSettingsChange {
  mode?: TunnelMode;
  hostname?: string | null;
  token?: string | null;
}

const OFF: TunnelSettings = { mode: "off", hostname: null, token: null };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export async function getTunnelSettings(ctx: CoreContext): Promise<TunnelSettings> {
  const row = await ctx.db.selectFrom("tunnel_settings").select(["mode", "hostname", "token"]).where("id", "=", 1).executeTakeFirst();
  return row ?? OFF;
}

/**
 * Reads the tunnel id out of a token as the Cloudflare dashboard hands it out: base64 of
 * {"a": account tag, "t": tunnel id, "s": secret}. A wrong paste is caught here, before cloudflared sees it.
 */
export function parseTunnelToken(token: string): { tunnelId: string } {
  const refusal = new Invalid(
    "That is not a Cloudflare tunnel token; copy the long token (it starts with eyJ) from your tunnel's install command in the Cloudflare dashboard.",
  );
  if (!/^[A-Za-z0-9+/=_-]{20,}$/.test(token)) throw refusal;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    throw refusal;
  }
  if (typeof decoded !== "object" || decoded === null) throw refusal;
  const { a, t, s } = decoded as Record<string, unknown>;
  if (typeof a !== "string" || typeof t !== "string" || typeof s !== "string" || !UUID.test(t) || s === "") throw refusal;
  return { tunnelId: t.toLowerCase() };
}

/** Accepts social.example or https://social.example and gives back the bare hostname. */
export function normaliseTunnelHostname(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, "");
  const hostname = (/^https?:\/\//i.test(trimmed) ? trimmed.replace(/^https?:\/\//i, "") : trimmed).toLowerCase();
  if (!HOSTNAME.test(hostname)) {
    throw new Invalid(`"${input}" is not a hostname; give the public hostname you routed to the tunnel, like social.example.`);
  }
  return hostname;
}

export function tunnelSettingsView(settings: TunnelSettings): TunnelSettingsView {
  let tunnelId: string | null = null;
  if (settings.token !== null) {
    try {
      tunnelId = parseTunnelToken(settings.token).tunnelId;
    } catch {
      tunnelId = null;
    }
  }
  return { mode: settings.mode, hostname: settings.hostname, hasToken: settings.token !== null, tunnelId };
}

/**
 * Changes the tunnel settings, keeping the instance's one canonical origin: a named tunnel fixes the origin
 * to its hostname (and is refused if the instance already has another address), and a quick tunnel, whose
 * address changes on every start, is refused for an instance whose address is fixed.
 */
export async function saveTunnelSettings(ctx: CoreContext, change: TunnelSettingsChange): Promise<TunnelSettings> {
  const current = await getTunnelSettings(ctx);
  const next: TunnelSettings = {
    mode: change.mode ?? current.mode,
    hostname: change.hostname === undefined ? current.hostname : change.hostname === null ? null : normaliseTunnelHostname(change.hostname),
    token: change.token === undefined ? current.token : change.token === null ? null : change.token.trim(),
  };
  if (next.token !== null) parseTunnelToken(next.token);

  const instance = await getInstance(ctx);
  if (next.mode === "named") {
    if (next.token === null) {
      throw new Invalid("A named tunnel needs its token: copy it from the Cloudflare dashboard (Networks > Tunnels > your tunnel).");
    }
    if (next.hostname === null) {
      throw new Invalid("A named tunnel needs the public hostname you routed to it in the Cloudflare dashboard, like social.example.");
    }
    // Refuses, with the reason, a hostname other than the address followers already know.
    if (instance) await fixCanonicalOrigin(ctx, `https://${next.hostname}`);
  }
  if (next.mode === "quick" && instance?.canonical_origin) {
    throw new Invalid(
      `This instance's address is ${instance.canonical_origin}; a quick tunnel would publish it under a different, temporary address, so use a named tunnel for that hostname instead.`,
    );
  }

  const updatedAt = ctx.clock.now().toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("tunnel_settings")
      .values({ id: 1, ...next, updated_at: updatedAt })
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...next, updated_at: updatedAt }))
      .execute(),
  );
  return next;
}
