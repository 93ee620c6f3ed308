import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { setLinkHeader } from "../../server/api/pagination.ts";

const ORIGIN = "https://hearth.example";

/** The Link header a route answers with for these ids, as a client would read it. */
async function linkFor(path: string, ids: readonly string[], limit?: number, itemCount?: number): Promise<string | null> {
  const app = new Hono();
  app.get("*", (c) => {
    setLinkHeader(c, ids, (pathname) => new URL(pathname, ORIGIN).href, limit, itemCount);
    return c.json([]);
  });
  return (await app.request(`http://127.0.0.1${path}`)).headers.get("link");
}

describe("setLinkHeader: where the next and previous pages are", () => {
  it("offers next below the last item and prev above the first, keeping the other parameters", async () => {
    expect(await linkFor("/api/v1/timelines/home?limit=2&max_id=9&only_media=true", ["8", "7"], 2)).toBe(
      `<${ORIGIN}/api/v1/timelines/home?limit=2&only_media=true&max_id=7>; rel="next", ` +
        `<${ORIGIN}/api/v1/timelines/home?limit=2&only_media=true&min_id=8>; rel="prev"`,
    );
  });

  it("drops since_id and keeps the other parameters encoded as the client's URL had them, in their order", async () => {
    expect(await linkFor("/api/v1/accounts/1/statuses?tagged=caf%C3%A9&since_id=3&q=a+b%26c&exclude_replies=true", ["8", "7"], 2)).toBe(
      `<${ORIGIN}/api/v1/accounts/1/statuses?tagged=caf%C3%A9&q=a+b%26c&exclude_replies=true&max_id=7>; rel="next", ` +
        `<${ORIGIN}/api/v1/accounts/1/statuses?tagged=caf%C3%A9&q=a+b%26c&exclude_replies=true&min_id=8>; rel="prev"`,
    );
    expect(await linkFor("/api/v1/blocks?max_id=9", ["8"], 1)).toBe(`<${ORIGIN}/api/v1/blocks?max_id=8>; rel="next", <${ORIGIN}/api/v1/blocks?min_id=8>; rel="prev"`);
  });

  it("offers no next on a page shorter than its limit, as Mastodon does, so clients stop there", async () => {
    expect(await linkFor("/api/v1/notifications?limit=3", ["5", "4"], 3)).toBe(`<${ORIGIN}/api/v1/notifications?limit=3&min_id=5>; rel="prev"`);
    // A caller paging by something other than its items (grouped notifications) gives the count itself.
    expect(await linkFor("/api/v2/notifications?limit=2", ["9", "3"], 2, 1)).not.toContain('rel="next"');
    expect(await linkFor("/api/v2/notifications?limit=2", ["9", "3"], 2, 2)).toContain("max_id=3>; rel=\"next\"");
  });

  it("keeps offering next when the caller gives no limit, and sends nothing for an empty page", async () => {
    expect(await linkFor("/api/v1/blocks", ["5"])).toContain('rel="next"');
    expect(await linkFor("/api/v1/blocks?limit=3", [], 3)).toBeNull();
  });
});
