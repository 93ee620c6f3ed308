import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { CoreContext } from "../core/context.ts";
import { NotFound } from "../core/errors.ts";
import { scopesAllow } from "../core/auth/scopes.ts";
import { findVisibleStatus } from "../core/statuses/statuses.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import { mastodonError } from "./mastodon-error.ts";
import { nestedBoolean, type NestedParams } from "./nested-params.ts";
import type { StatusRow } from "../core/rows.ts";

/**
 * What the status, timeline and notification endpoints share: public reads that still check a token's
 * scope when one is sent, statuses named by `:id` that answer 404 unless the viewer may see them, and
 * Rails-style parameter reading.
 */

/**
 * Mastodon's authorize_if_got_token!: anyone may call, but a request that brings a token must bring one with
 * the scope (a read-only app cannot read more by pretending to be anonymous, nor less by mistake).
 */
export function scopeIfToken(...scopes: [string, ...string[]]) {
  return createMiddleware<HonoApiEnv>(async (c, next) => {
    const auth = c.get("auth");
    if (auth && !scopes.some((scope) => scopesAllow(auth.scopes, scope))) return mastodonError(c, 403, "This action is outside the authorized scopes");
    return next();
  });
}

const ID = /^\d{1,19}$/;

/** An id as a client sends it, in our 18-digit form; undefined when it cannot be one of ours. */
export function normaliseId(id: string | undefined): string | undefined {
  return id !== undefined && ID.test(id) ? id.padStart(18, "0") : undefined;
}

/** An id as a client sends it, in our 18-digit form; text that cannot be one of ours is kept, so it finds nothing. */
export function idOf(id: string | undefined): string {
  return normaliseId(id) ?? id ?? "";
}

/** The status if the viewer may see it; otherwise NotFound, which Mastodon answers as 404 alike. */
export async function visibleStatus(core: CoreContext, id: string, viewerId: string | null): Promise<StatusRow> {
  const status = await findVisibleStatus(core, id, viewerId);
  if (!status) throw new NotFound(`There is no status ${id}.`);
  return status;
}

/** The status `:id` names if the viewer may see it; otherwise NotFound. */
export async function visibleStatusParam(core: CoreContext, c: Context<HonoApiEnv>, viewerId: string | null): Promise<StatusRow> {
  return visibleStatus(core, idOf(c.req.param("id")), viewerId);
}

/** A boolean parameter with a default. */
export function flagParam(params: NestedParams, name: string, fallback = false): boolean {
  return nestedBoolean(params, name) ?? fallback;
}
