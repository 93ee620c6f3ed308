import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { findTag, followTag, unfollowTag } from "../../core/tag-follows.ts";
import { requireUser } from "../auth.ts";
import type { ApiEnv } from "../env.ts";
import { renderTags } from "../entities/tag-list.ts";
import { mastodonError } from "../mastodon-error.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";

/** /api/v1/tags/:name: a hashtag, and following it into the home timeline. */
export function tagRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  const render = async (name: string, viewerId: string | null) => {
    const tag = await findTag(core, name);
    if (!tag) return undefined;
    const [entity] = await renderTags(core, [tag], origin(), viewerId);
    return entity;
  };

  routes.get("/:name", async (c) => {
    const entity = await render(c.req.param("name"), optionalViewerOf(c)?.id ?? null);
    return entity ? c.json(entity) : mastodonError(c, 404, "Record not found");
  });

  routes.post("/:name/follow", requireUser("write:follows"), async (c) => {
    const viewer = viewerOf(c);
    const tag = await followTag(core, viewer.id, c.req.param("name"));
    const [entity] = await renderTags(core, [tag], origin(), viewer.id);
    return c.json(entity);
  });

  routes.post("/:name/unfollow", requireUser("write:follows"), async (c) => {
    const viewer = viewerOf(c);
    const tag = await findTag(core, c.req.param("name"));
    if (!tag) return mastodonError(c, 404, "Record not found");
    await unfollowTag(core, viewer.id, tag.id);
    return c.json(await render(tag.name, viewer.id));
  });

  // Featured hashtags on profiles are not something Hearth has.
  for (const path of ["/:name/feature", "/:name/unfeature"]) {
    routes.post(path, requireUser("write:accounts"), (c) => mastodonError(c, 422, "This server does not feature hashtags on profiles."));
  }

  return routes;
}
