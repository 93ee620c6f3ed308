import { Hono } from "hono";

const ACTIVITY_PUB_ACCEPT = /application\/(activity\+json|ld\+json)/;

/**
 * What Fedify passes on as not found but the renderer must not answer with its page: a WebFinger or
 * NodeInfo query for nobody, and an ActivityPub request for an actor or collection that does not exist.
 * Peers read a 200 HTML page as a broken server; a 404 tells them there is no such thing.
 */
export function federationNotFoundRoutes(): Hono {
  const routes = new Hono();
  const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  routes.all("/.well-known/webfinger", notFound);
  routes.all("/.well-known/nodeinfo", notFound);
  routes.all("/nodeinfo/*", notFound);
  routes.all("/inbox", notFound);
  routes.all("/users/*", async (c, next) => {
    if (c.req.method === "POST" || ACTIVITY_PUB_ACCEPT.test(c.req.header("accept") ?? "")) return notFound();
    return next();
  });
  return routes;
}
