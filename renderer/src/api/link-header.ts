/** The query of a page another page links to: max_id for older, min_id for newer, and so on. */
export type PageQuery = Record<string, string>;

export interface PageLinks {
  next: PageQuery | null;
  prev: PageQuery | null;
}

/**
 * Reads Mastodon's Link header (RFC 8288): `<url?max_id=1>; rel="next", <url?min_id=9>; rel="prev"`.
 * Only the query matters to a client that pages the same endpoint; a missing or odd header means no more pages.
 */
export function parseLinkHeader(header: string | null): PageLinks {
  const links: PageLinks = { next: null, prev: null };
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match) continue;
    const [, target = "", attributes = ""] = match;
    const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(attributes)?.[1]?.trim().toLowerCase();
    if (rel !== "next" && rel !== "prev") continue;
    let url: URL;
    try {
      url = new URL(target, "http://relative.invalid");
    } catch {
      continue;
    }
    links[rel] = Object.fromEntries(url.searchParams);
  }
  return links;
}
