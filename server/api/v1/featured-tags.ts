import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { Invalid, NotFound } from "../../core/errors.ts";

/** Featured hashtags on a profile: Hearth has none, so the lists are empty and adding one is refused. */
export function featuredTagRoutes(): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:accounts"), (c) => c.json([]));
  routes.get("/suggestions", requireUser("read:accounts"), (c) => c.json([]));
  routes.post("/", requireUser("write:accounts"), () => {
    throw new Invalid("This server does not feature hashtags on profiles.");
  });
  routes.delete("/:id", requireUser("write:accounts"), () => {
    throw new NotFound("Hearth features no hashtags on profiles.");
  });
  return routes;
}
