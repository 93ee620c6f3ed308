import type { Context } from "hono";

const parsed = new WeakMap<Request, URL>();

/**
 * The request's URL, parsed once for all who read it: its parameters (params.ts), the address the client used
 * (client-url.ts) and the Link header's query (pagination.ts) each parsed it, three URL parses of a page's
 * five (issue #19). Shared: read it, never change it.
 */
export function requestUrl(c: Context): URL {
  const request = c.req.raw;
  let url = parsed.get(request);
  if (url === undefined) {
    url = new URL(c.req.url);
    parsed.set(request, url);
  }
  return url;
}
