import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hearth</title></head>
<body><main><h1>Hearth is running</h1>
<p>The web interface has not been built. Run <code>npm run build:renderer</code>, then reload this page.</p>
<p>Mastodon apps can already sign in to this server.</p></main></body></html>`;

/**
 * The built renderer: files as they are, and index.html for every other page path, since the client
 * routes on its own. Without a build, a plain page says how to make one.
 */
export function rendererRoutes(rendererDir: string): Hono {
  const routes = new Hono();
  const indexPath = join(rendererDir, "index.html");
  routes.use("/assets/*", async (c, next) => {
    await next();
    // Vite puts a content hash in every asset name, so an asset never changes under its URL.
    if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  routes.use("*", serveStatic({ root: rendererDir }));
  routes.get("*", (c) => {
    c.header("Cache-Control", "no-cache");
    if (!existsSync(indexPath)) return c.html(NOT_BUILT_PAGE);
    return c.html(readFileSync(indexPath, "utf8"));
  });
  return routes;
}
