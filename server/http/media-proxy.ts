import { Hono } from "hono";
import type { CoreContext } from "../core/context.ts";
import { getMediaAttachment, mediaFileUrl } from "../core/media.ts";
import type { RemoteMediaCache } from "../media/remote-cache.ts";

/**
 * GET /media_proxy/:id/original|small, Mastodon's address for remote media kept here: the file is fetched from
 * the peer on the first request (remote-cache.ts), and every request is sent on to the copy under /media/.
 * When the peer's file cannot be had, the client is sent to the peer, as it would have been without a cache.
 */
export function mediaProxyRoutes(core: CoreContext, cache: RemoteMediaCache, origin: () => string): Hono {
  const routes = new Hono();
  routes.get("/:id/:variant{original|small}", async (c) => {
    const id = c.req.param("id");
    const isSmall = c.req.param("variant") === "small";
    let row = await getMediaAttachment(core, id);
    if (!row || row.remote_url === null) return c.notFound();
    try {
      row = (await cache.ensureCached(id)) ?? row;
    } catch {
      // Logged by the cache; the peer's own address is the best answer left.
    }
    const local = isSmall ? (row.thumbnail_file ?? row.file) : row.file;
    const target = local ? mediaFileUrl(origin(), local) : isSmall ? (row.thumbnail_remote_url ?? row.remote_url) : row.remote_url;
    if (!target) return c.notFound();
    c.header("Cache-Control", local ? "public, max-age=86400" : "no-store");
    return c.redirect(target, 302);
  });
  return routes;
}
