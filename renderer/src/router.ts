import { useSyncExternalStore } from "react";

/** Every page of the client, as the address bar shows it. Paths follow Mastodon's web UI where it has one. */
export type Route =
  | { name: "home" }
  | { name: "local" }
  | { name: "federated" }
  | { name: "tag"; tag: string }
  | { name: "notifications" }
  | { name: "search"; query: string }
  | { name: "bookmarks" }
  | { name: "favourites" }
  | { name: "settings" }
  | { name: "admin"; section: "accounts" | "reports" }
  | { name: "lists" }
  | { name: "list"; id: string }
  | { name: "profile"; acct: string }
  | { name: "status"; acct: string; id: string }
  | { name: "welcome" }
  | { name: "sign-in-callback" }
  | { name: "not-found"; path: string };

const FIXED: Record<string, Route> = {
  "/": { name: "home" },
  "/home": { name: "home" },
  "/local": { name: "local" },
  "/federated": { name: "federated" },
  "/notifications": { name: "notifications" },
  "/bookmarks": { name: "bookmarks" },
  "/favourites": { name: "favourites" },
  "/settings": { name: "settings" },
  "/admin": { name: "admin", section: "accounts" },
  "/admin/accounts": { name: "admin", section: "accounts" },
  "/admin/reports": { name: "admin", section: "reports" },
  "/lists": { name: "lists" },
  "/welcome": { name: "welcome" },
  "/sign-in/callback": { name: "sign-in-callback" },
};

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string, search = ""): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const fixed = FIXED[path];
  if (fixed) return fixed;
  if (path === "/search") return { name: "search", query: new URLSearchParams(search).get("q") ?? "" };
  const tag = /^\/tags\/([^/]+)$/.exec(path);
  if (tag?.[1]) {
    const name = decode(tag[1]);
    if (name) return { name: "tag", tag: name };
  }
  const list = /^\/lists\/([0-9A-Za-z_-]+)$/.exec(path);
  if (list?.[1]) return { name: "list", id: list[1] };
  // /@alice, /@alice@other.example, /@alice/123 (a status), as Mastodon writes them.
  const profile = /^\/@([^/]+)(?:\/([0-9A-Za-z_-]+))?$/.exec(path);
  if (profile?.[1]) {
    const acct = decode(profile[1]);
    if (acct) return profile[2] ? { name: "status", acct, id: profile[2] } : { name: "profile", acct };
  }
  return { name: "not-found", path };
}

export function pathFor(route: Route): string {
  switch (route.name) {
    case "home":
      return "/";
    case "tag":
      return `/tags/${encodeURIComponent(route.tag)}`;
    case "search":
      return route.query ? `/search?q=${encodeURIComponent(route.query)}` : "/search";
    case "profile":
      return `/@${route.acct}`;
    case "status":
      return `/@${route.acct}/${encodeURIComponent(route.id)}`;
    case "list":
      return `/lists/${encodeURIComponent(route.id)}`;
    case "sign-in-callback":
      return "/sign-in/callback";
    case "admin":
      return `/admin/${route.section}`;
    case "not-found":
      return route.path;
    default:
      return `/${route.name}`;
  }
}

const listeners = new Set<() => void>();
let current = { key: "", route: parseRoute("/") as Route };

function read(): Route {
  const key = `${location.pathname}${location.search}`;
  if (key !== current.key) current = { key, route: parseRoute(location.pathname, location.search) };
  return current.route;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function navigate(to: Route | string, options: { replace?: boolean } = {}): void {
  const path = typeof to === "string" ? to : pathFor(to);
  if (path === `${location.pathname}${location.search}`) return;
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener();
  // A new page starts at its top, as a link to a new document would.
  window.scrollTo({ top: 0 });
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, read);
}
