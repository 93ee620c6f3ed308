import { describe, expect, it } from "vitest";
import { parseRoute, pathFor, type Route } from "../../renderer/src/router.ts";

describe("the web client's addresses", () => {
  it("reads the pages Mastodon's web UI has, under the same paths", () => {
    expect(parseRoute("/")).toEqual({ name: "home" });
    expect(parseRoute("/notifications/")).toEqual({ name: "notifications" });
    expect(parseRoute("/@alice")).toEqual({ name: "profile", acct: "alice" });
    expect(parseRoute("/@bob@other.example")).toEqual({ name: "profile", acct: "bob@other.example" });
    expect(parseRoute("/@bob@127.0.0.1:8331/1234567")).toEqual({ name: "status", acct: "bob@127.0.0.1:8331", id: "1234567" });
    expect(parseRoute("/tags/caf%C3%A9")).toEqual({ name: "tag", tag: "café" });
    expect(parseRoute("/search", "?q=%40bob%40other.example")).toEqual({ name: "search", query: "@bob@other.example" });
    expect(parseRoute("/sign-in/callback")).toEqual({ name: "sign-in-callback" });
    expect(parseRoute("/admin")).toEqual({ name: "admin", section: "accounts" });
    expect(parseRoute("/admin/reports/")).toEqual({ name: "admin", section: "reports" });
    expect(parseRoute("/users/alice/outbox")).toEqual({ name: "not-found", path: "/users/alice/outbox" });
    expect(parseRoute("/tags/%E0%A4%A")).toEqual({ name: "not-found", path: "/tags/%E0%A4%A" });
  });

  it("writes every route to a path that reads back as the same route", () => {
    const routes: Route[] = [
      { name: "home" },
      { name: "local" },
      { name: "federated" },
      { name: "tag", tag: "cafés & more" },
      { name: "notifications" },
      { name: "search", query: "#hearth and @x@y.z" },
      { name: "bookmarks" },
      { name: "favourites" },
      { name: "settings" },
      { name: "admin", section: "accounts" },
      { name: "admin", section: "reports" },
      { name: "profile", acct: "bob@other.example" },
      { name: "status", acct: "alice", id: "109876543210987654" },
      { name: "welcome" },
    ];
    for (const route of routes) {
      const path = pathFor(route);
      const [pathname, search] = path.split("?");
      expect(parseRoute(pathname!, search ? `?${search}` : "")).toEqual(route);
    }
  });
});
