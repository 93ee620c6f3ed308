import { bodyLimit } from "hono/body-limit";

/** No activity is near this size; Mastodon refuses inbox bodies over 1 MB too. */
export const INBOX_BODY_LIMIT = 1024 * 1024;

/** Refuses oversized inbox POSTs with 413 before Fedify reads (and parses) them. */
export function inboxBodyLimit() {
  return bodyLimit({
    maxSize: INBOX_BODY_LIMIT,
    // The rest of the body is never read, so the connection cannot carry another request: close it.
    onError: (c) => c.text("The activity is larger than 1 MB.", 413, { Connection: "close" }),
  });
}

/** The inbox paths Fedify serves: the shared one and each account's. */
export const INBOX_PATHS = ["/inbox", "/users/:username/inbox"] as const;
