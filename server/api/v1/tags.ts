import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import { normaliseTagName } from "../../core/statuses/status-store.ts";
import { checkTagName, findTag, followTag, unfollowTag } from "../../core/timelines/tag-follows.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderTags } from "../entities/tag-list.ts";
import { toTag, type MastodonTag } from "../entities/tag.ts";
import { optionalViewerOf, viewerOf } from "../request-accounts.ts";

/** /api/v1/tags/:name: a hashtag, and following it into the home timeline. */
export function tagRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  const render = async (name: string, viewerId: string | null) => {
    const tag = await findTag(core, name);
    if (!tag) return undefined;
    const [entity] = await renderTags(core, [tag], origin(), viewerId);
    return entity;
  };

  /** A hashtag nobody here has used yet, as Mastodon shows one: no id, no history, not followed. */
  const unused = (name: string, viewerId: string | null): MastodonTag | undefined => {
    let display: string;
    try {
      display = checkTagName(name);
    } catch (error) {
      if (error instanceof Invalid) return undefined;
      throw error;
    }
    return toTag({ id: "", name: normaliseTagName(display), display_name: display }, origin(), viewerId ? { following: false, featuring: false } : undefined);
  };

  // Apps open a hashtag's page with this, to show its follow button before anyone has used it.
  routes.get("/:name", async (c) => {
    const name = c.req.param("name");
    const viewerId = optionalViewerOf(c)?.id ?? null;
    const entity = (await render(name, viewerId)) ?? unused(name, viewerId);
    if (!entity) throw new NotFound(`"${name}" is not a hashtag.`);
    return c.json(entity);
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
    if (!tag) throw new NotFound(`Nobody here has used the hashtag ${c.req.param("name")}.`);
    await unfollowTag(core, viewer.id, tag.id);
    return c.json(await render(tag.name, viewer.id));
  });

  // Featured hashtags on profiles are not something Hearth has.
  for (const path of ["/:name/feature", "/:name/unfeature"]) {
    routes.post(path, requireUser("write:accounts"), () => {
      throw new Invalid("This server does not feature hashtags on profiles.");
    });
  }

  return routes;
}
