import { describe, expect, it } from "vitest";
import { buildQuery } from "../../renderer/src/api/http.ts";
import { parseLinkHeader } from "../../renderer/src/api/link-header.ts";

describe("Mastodon's Link header and query strings", () => {
  it("reads next and prev queries", () => {
    const header =
      '<https://social.example/api/v1/timelines/home?limit=20&max_id=109>; rel="next", <https://social.example/api/v1/timelines/home?limit=20&min_id=130>; rel="prev"';
    expect(parseLinkHeader(header)).toEqual({ next: { limit: "20", max_id: "109" }, prev: { limit: "20", min_id: "130" } });
  });

  it("tolerates a missing header, one relation, odd spacing and unknown relations", () => {
    expect(parseLinkHeader(null)).toEqual({ next: null, prev: null });
    expect(parseLinkHeader("<https://a.example/x?max_id=1>;rel=next")).toEqual({ next: { max_id: "1" }, prev: null });
    expect(parseLinkHeader('<https://a.example/x?page=2>; rel="last"')).toEqual({ next: null, prev: null });
    expect(parseLinkHeader("garbage")).toEqual({ next: null, prev: null });
  });

  it("writes arrays the Rails way and leaves out what is absent", () => {
    expect(buildQuery({ "id": ["1", "2"], "limit": 20, "local": true, "max_id": undefined, "q": null })).toBe("?id%5B%5D=1&id%5B%5D=2&limit=20&local=true");
    expect(buildQuery({})).toBe("");
  });
});
