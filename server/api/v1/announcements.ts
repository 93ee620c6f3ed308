import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { NotFound } from "../../core/errors.ts";

/** Instance announcements: Hearth makes none, so the list is empty and no announcement can be found. */
export function announcementRoutes(): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const notFound = () => {
    throw new NotFound("Hearth makes no announcements.");
  };
  routes.get("/", requireUser("read"), (c) => c.json([]));
  routes.post("/:id/dismiss", requireUser("write:accounts"), notFound);
  routes.put("/:id/reactions/:name", requireUser("write:favourites"), notFound);
  routes.delete("/:id/reactions/:name", requireUser("write:favourites"), notFound);
  return routes;
}
