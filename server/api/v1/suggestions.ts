import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";

/**
 * Follow suggestions. A home server with one or a few people has no crowd to suggest from, so the list is
 * empty; dismissing a suggestion succeeds, as there is nothing to dismiss.
 */
export function suggestionV1Routes(): Hono<HonoApiEnv> {
  const v1 = new Hono<HonoApiEnv>();
  v1.get("/", requireUser("read"), (c) => c.json([]));
  v1.delete("/:account_id", requireUser("read"), (c) => c.json({}));
  return v1;
}

export function suggestionV2Routes(): Hono<HonoApiEnv> {
  const v2 = new Hono<HonoApiEnv>();
  v2.get("/", requireUser("read"), (c) => c.json([]));
  return v2;
}
