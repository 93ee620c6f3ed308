/**
 * The request as the fediverse addressed it. Everything through the tunnel reaches us as plain http on
 * loopback, but RFC 9421 signatures cover the target URI and authority the sender used (https://host/path),
 * so Fedify must see that URL, not the one the request arrived with, or every signed inbox POST fails.
 * The body stream is handed over unread: if Fedify passes the request on, the original is still readable.
 */
export function canonicalRequest(request: Request, origin: string): Request {
  const arrived = new URL(request.url);
  const canonical = new URL(`${arrived.pathname}${arrived.search}`, origin);
  const headers = new Headers(request.headers);
  headers.set("host", canonical.host);
  if (canonical.href === arrived.href && request.headers.get("host") === canonical.host) return request;
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  return new Request(canonical, {
    method: request.method,
    headers,
    body: hasBody ? request.body : null,
    duplex: "half",
    signal: request.signal,
    redirect: request.redirect,
  });
}
