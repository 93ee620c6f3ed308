import type { Context } from "hono";
import type { PageRequest } from "../core/paging.ts";
import { normaliseId, presentText, type Field } from "./input.ts";
import { Invalid } from "../core/errors.ts";

/** An id to page from (max_id, since_id, min_id); null when absent or not one of ours, as Mastodon ignores those. */
export function pageId(): Field<string | null> {
  const read = presentText();
  return (params, name) => normaliseId(read(params, name)) ?? null;
}

/** max_id, since_id, min_id and limit from a request; limit is clamped as Mastodon clamps it. */
export function paging(limits: { default: number; max: number } = { default: 20, max: 40 }): Field<PageRequest> {
  const readLimit = presentText();
  const readId = pageId();
  return (params) => {
    const rawLimit = readLimit(params, "limit");
    let limit = limits.default;
    if (rawLimit !== undefined) {
      const parsed = Number(rawLimit);
      if (!Number.isInteger(parsed)) throw new Invalid(`limit must be a whole number, not "${rawLimit}".`);
      // Mastodon clamps rather than refuses.
      limit = Math.min(Math.max(parsed, 1), limits.max);
    }
    return { maxId: readId(params, "max_id"), sinceId: readId(params, "since_id"), minId: readId(params, "min_id"), limit };
  };
}

const PAGING_PARAMETERS = new Set(["max_id", "min_id", "since_id"]);

/**
 * The Link header for a page whose items carry the given pagination ids, newest first. `next` continues
 * below the last item, `prev` above the first; both keep the request's other parameters, on the URL the
 * client used (through the tunnel or on loopback).
 *
 * With the page's `limit`, a page of fewer than `limit` items (`itemCount`, the ids unless the caller pages by
 * something else) offers no `next`, as Mastodon does: clients stop there instead of fetching an empty page.
 */
export function setLinkHeader(
  c: Context,
  ids: readonly string[],
  publicUrl: (path: string) => string,
  limit?: number,
  itemCount: number = ids.length,
): void {
  const first = ids[0];
  const last = ids.at(-1);
  if (first === undefined || last === undefined) return;
  const current = new URL(c.req.url);
  // The page's URL without its paging parameters, built once for both links: each link is then that URL with
  // one pair more, which is what URLSearchParams.set would serialise for a name not already there.
  const page = new URL(publicUrl(current.pathname));
  for (const [key, v] of current.searchParams) {
    if (!PAGING_PARAMETERS.has(key)) page.searchParams.append(key, v);
  }
  const stem = page.href.split(/[?#]/, 1)[0]!;
  const query = page.search === "" ? "?" : `${page.search}&`;
  const link = (name: "max_id" | "min_id", value: string) => `${stem}${query}${new URLSearchParams([[name, value]]).toString()}${page.hash}`;
  const prev = `<${link("min_id", first)}>; rel="prev"`;
  const isLastPage = limit !== undefined && itemCount < limit;
  c.header("Link", isLastPage ? prev : `<${link("max_id", last)}>; rel="next", ${prev}`);
}
