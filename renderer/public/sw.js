/* global self, caches -- a service worker's globals; this file is served as it is, outside the bundle. */
// Hearth's service worker: keeps the web client itself (its page and its hashed assets) so that it opens
// with no connection, and shows the timelines and threads the client saved. API answers are never cached
// here: the client keeps what it read, per account, and forgets it on sign-out.
const SHELL_CACHE = "hearth-shell-v1";
const APP_PAGE = "/";
// Paths that belong to the server, not to the client's pages: always the network's answer.
const SERVER_PATHS = /^\/(api|oauth|media|media_proxy|users|inbox|nodeinfo|healthz|\.well-known)(\/|$)/;

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.add(APP_PAGE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || SERVER_PATHS.test(url.pathname)) return;

  if (request.mode === "navigate") {
    // The page from the network while there is one (a new version shows at once), the kept one otherwise.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get("content-type") ?? "").includes("text/html")) {
            const copy = response.clone();
            void caches.open(SHELL_CACHE).then((cache) => cache.put(APP_PAGE, copy));
          }
          return response;
        })
        .catch(async () => (await caches.match(APP_PAGE)) ?? Response.error()),
    );
    return;
  }

  if (url.pathname.startsWith("/assets/")) {
    // Asset names carry a content hash: a kept copy is always the right one.
    event.respondWith(
      caches.match(request).then(
        (kept) =>
          kept ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
