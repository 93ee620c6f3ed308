import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toCustomEmoji } from "../entities/custom-emoji.ts";

/** GET /api/v1/custom_emojis: this instance's own emoji (public; apps load it before sign-in). */
export function customEmojiRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", async (c) => {
    const rows = await core.db.selectFrom("custom_emojis").selectAll().where("domain", "is", null).orderBy("shortcode").execute();
    c.header("Cache-Control", "public, max-age=60");
    return c.json(rows.map((row) => toCustomEmoji(row, origin())));
  });
  return routes;
}
