import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { ApiEnv } from "../env.ts";

/**
 * Follow suggestions. A home server with one or a few people has no crowd to suggest from, so the list is
 * empty; dismissing a suggestion succeeds, as there is nothing to dismiss.
 */
export function suggestionRoutes(): { v1: Hono<ApiEnv>; v2: Hono<ApiEnv> } {
  const v1 = new Hono<ApiEnv>();
  v1.get("/", requireUser("read"), (c) => c.json([]));
  v1.delete("/:account_id", requireUser("read"), (c) => c.json({}));
  const v2 = new Hono<ApiEnv>();
  v2.get("/", requireUser("read"), (c) => c.json([]));
  return { v1, v2 };
}
