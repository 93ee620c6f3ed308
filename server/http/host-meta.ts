import { Hono } from "hono";

/**
 * /.well-known/host-meta (RFC 6415), which Fedify does not serve: older peers find WebFinger through it.
 * XML by default, JSON for /.well-known/host-meta.json or Accept: application/json, as Mastodon answers.
 */
export function hostMetaRoutes(origin: () => string): Hono {
  const routes = new Hono();
  const template = () => `${origin()}/.well-known/webfinger?resource={uri}`;
  const json = () =>
    new Response(JSON.stringify({ links: [{ rel: "lrdd", template: template() }] }), {
      headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=259200" },
    });
  routes.get("/.well-known/host-meta.json", json);
  routes.get("/.well-known/host-meta", (c) => {
    if (c.req.header("accept")?.includes("application/json")) return json();
    const escaped = template().replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${escaped}"/>\n</XRD>\n`;
    return new Response(xml, {
      headers: { "Content-Type": "application/xrd+xml; charset=utf-8", "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=259200" },
    });
  });
  return routes;
}
