import { createMiddleware } from "hono/factory";
import type { KeyOwnershipRefusal } from "../federation/key-ownership.ts";

/**
 * Refuses, before Fedify's inbox sees it, an activity whose proof or LD signature is made with a key its
 * actors do not list (federation/key-ownership.ts says why Fedify alone would take it).
 */
export function inboxKeyOwnership(refuseForeignKeys: (json: unknown) => Promise<KeyOwnershipRefusal | null>) {
  return createMiddleware(async (c, next) => {
    let json: unknown;
    try {
      json = JSON.parse(await c.req.text());
    } catch {
      // Not JSON: Fedify answers that with 400 itself.
      return next();
    }
    const refusal = await refuseForeignKeys(json);
    if (refusal) return c.text(refusal.message, refusal.status);
    return next();
  });
}
