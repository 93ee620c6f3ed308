import { Hono, type Context } from "hono";
import { accountImageOf, hasCachedAccountImage } from "../core/media/account-images.ts";
import { getAccount } from "../core/accounts/accounts.ts";
import { clientUrl } from "../api/client-url.ts";
import type { CoreContext } from "../core/context.ts";
import { getMediaAttachment, isRemoteMediaKey, mediaFileUrl } from "../core/media/media.ts";
import type { RemoteAccountImageCache } from "../media/remote-account-images.ts";
import type { RemoteMediaCache } from "../media/remote-cache.ts";

/**
 * GET /media_proxy/:id/original|small?k=<key>, Mastodon's address for remote media kept here: the file is fetched
 * from the peer on the first request (remote-cache.ts), and every request is sent on to the copy under /media/.
 * The key (remoteMediaKey, given out only in the MediaAttachment entity) is required: ids can be guessed, and
 * a followers-only or direct status's media must not reach whoever guesses one. Browsers send no token with
 * <img>, so the address itself is the capability, as Mastodon's unguessable file paths are.
 * GET /media_proxy/accounts/:id/avatar|header does the same for a remote account's pictures.
 * When the peer's file cannot be had, the client is sent to the peer, as it would have been without a cache.
 */
/**
 * Our copy's address on the host the client asked: the desktop app asks on loopback, and must stay there when
 * the public address (the tunnel) is down, which is exactly when the archive is read offline.
 */
function copyUrl(c: Context, origin: string, file: string): string {
  return mediaFileUrl(clientUrl(c, origin)("/"), file);
}

export function mediaProxyRoutes(core: CoreContext, cache: RemoteMediaCache, accountImages: RemoteAccountImageCache, origin: () => string): Hono {
  const routes = new Hono();
  routes.get("/accounts/:id/:kind{avatar|header}", async (c) => {
    const id = c.req.param("id");
    const kind = c.req.param("kind") === "avatar" ? "avatar" : "header";
    let account = await getAccount(core, id);
    if (!account || account.domain === null || accountImageOf(account, kind).remoteUrl === null) return c.notFound();
    try {
      account = (await accountImages.ensureCached(id, kind)) ?? account;
    } catch {
      // Logged by the cache; the peer's own address is the best answer left.
    }
    const { file, remoteUrl } = accountImageOf(account, kind);
    const local = hasCachedAccountImage(account, kind) ? file : null;
    const target = local ? copyUrl(c, origin(), local) : remoteUrl;
    if (!target) return c.notFound();
    c.header("Cache-Control", local ? "public, max-age=86400" : "no-store");
    return c.redirect(target, 302);
  });
  routes.get("/:id/:variant{original|small}", async (c) => {
    const id = c.req.param("id");
    const isSmall = c.req.param("variant") === "small";
    let row = await getMediaAttachment(core, id);
    // Media of a deleted status (let go, until the cleanup takes it) is not served, nor fetched again.
    if (!row || row.remote_url === null || row.status_id === null) return c.notFound();
    // Checked before anything is fetched: a guessed id makes us ask the peer for nothing.
    if (!isRemoteMediaKey(row.remote_url, c.req.query("k"))) return c.notFound();
    try {
      row = (await cache.ensureCached(id)) ?? row;
    } catch {
      // Logged by the cache; the peer's own address is the best answer left.
    }
    // A video's or audio's file is no preview: only an image is its own.
    const smallFile = row.thumbnail_file ?? (row.type === "image" ? row.file : null);
    const local = isSmall ? smallFile : row.file;
    const remoteSmall = row.thumbnail_remote_url ?? (row.type === "image" ? row.remote_url : null);
    const target = local ? copyUrl(c, origin(), local) : isSmall ? remoteSmall : row.remote_url;
    if (!target) return c.notFound();
    c.header("Cache-Control", local ? "public, max-age=86400" : "no-store");
    return c.redirect(target, 302);
  });
  return routes;
}
