/**
 * Cache-Control for the public GETs that peers repeat. The home upload is the bottleneck: what Cloudflare's
 * edge (or a peer's cache) can answer never crosses it. Only for anonymous requests and responses that did not
 * choose their own caching. The missing avatar/header images and the renderer's hashed assets set theirs where
 * they are served; media will when it arrives.
 */

function isCacheable(request: Request, response: Response): boolean {
  return (
    (request.method === "GET" || request.method === "HEAD") &&
    response.status === 200 &&
    !response.headers.has("cache-control") &&
    !response.headers.has("set-cookie") &&
    !request.headers.has("authorization") &&
    // A signed fetch may be answered differently for its signer (authorized fetch): never cache that.
    !request.headers.has("signature") &&
    !request.headers.has("signature-input")
  );
}

const FEDERATION_MAX_AGE_SECONDS = 300;
const FEDERATION_TYPES = /^application\/(activity\+json|ld\+json|jrd\+json|json)\b/;

/**
 * The same for Fedify's documents (actors, objects, collections, WebFinger, NodeInfo). They share URLs with
 * the HTML pages of the renderer, so the cache must key on Accept.
 */
export function withFederationCaching(request: Request, response: Response): Response {
  if (!isCacheable(request, response) || !FEDERATION_TYPES.test(response.headers.get("content-type") ?? "")) return response;
  const headers = new Headers(response.headers);
  headers.set("Cache-Control", `public, max-age=${FEDERATION_MAX_AGE_SECONDS}`);
  headers.append("Vary", "Accept");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
