/**
 * Addresses this server hands out are built on its public origin (the tunnel's). The page may have come
 * from elsewhere (http://127.0.0.1 on the owner's computer): loading this server's own images through the
 * tunnel would be slow, and impossible while the tunnel is down, so they are loaded from where the page is.
 */
let publicHost: string | undefined;

export function setPublicHost(host: string | undefined): void {
  publicHost = host;
}

export function sameServerUrl(url: string | null | undefined, pageOrigin = location.origin): string {
  if (!url) return "";
  if (!publicHost) return url;
  try {
    const parsed = new URL(url);
    if (parsed.host !== publicHost || parsed.origin === pageOrigin) return url;
    return `${pageOrigin}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
