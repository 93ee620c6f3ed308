import type { Context } from "hono";
import type { PageRequest } from "../core/paging.ts";
import { textParam, type Params } from "./params.ts";
import { Invalid } from "../core/errors.ts";

const ID_PATTERN = /^\d{1,19}$/;

function idParam(params: Params, name: string): string | null {
  const value = textParam(params, name);
  if (value === undefined) return null;
  // Some clients send ids of other servers' shapes (or garbage); Mastodon ignores what cannot be an id.
  return ID_PATTERN.test(value) ? value.padStart(18, "0") : null;
}

/** max_id, since_id, min_id and limit from a request; limit is clamped as Mastodon clamps it. */
export function readPageRequest(params: Params, limits: { default: number; max: number } = { default: 20, max: 40 }): PageRequest {
  const rawLimit = textParam(params, "limit");
  let limit = limits.default;
  if (rawLimit !== undefined) {
    const parsed = Number(rawLimit);
    if (!Number.isInteger(parsed)) throw new Invalid(`limit must be a whole number, not "${rawLimit}".`);
    // Mastodon clamps rather than refuses.
    limit = Math.min(Math.max(parsed, 1), limits.max);
  }
  return { maxId: idParam(params, "max_id"), sinceId: idParam(params, "since_id"), minId: idParam(params, "min_id"), limit };
}

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
  const link = (name: "max_id" | "min_id", value: string) => {
    const url = new URL(publicUrl(current.pathname));
    for (const [key, v] of current.searchParams) {
      if (!["max_id", "min_id", "since_id"].includes(key)) url.searchParams.append(key, v);
    }
    url.searchParams.set(name, value);
    return url.href;
  };
  const prev = `<${link("min_id", first)}>; rel="prev"`;
  const isLastPage = limit !== undefined && itemCount < limit;
  c.header("Link", isLastPage ? prev : `<${link("max_id", last)}>; rel="next", ${prev}`);
}
