import type { Context } from "@fedify/fedify";
import type { LocalAddresses } from "./convert/status-row-to-note.ts";

/** Our addresses as Fedify builds them for this context (canonical origin, actor and followers URIs). */
export function localAddresses<TContextData>(ctx: Context<TContextData>): LocalAddresses {
  return {
    origin: ctx.canonicalOrigin,
    actorUri: (username) => ctx.getActorUri(username),
    followersUri: (username) => ctx.getFollowersUri(username),
  };
}

/** The path our statuses live at: `${origin}/users/{identifier}/statuses/{id}` (the shared contract). */
export const STATUS_PATH = "/users/{identifier}/statuses/{id}";
/** The Create activity of a status, dereferenceable as Mastodon's is. */
export const STATUS_ACTIVITY_PATH = "/users/{identifier}/statuses/{id}/activity";
/** The replies to a status. */
export const STATUS_REPLIES_PATH = "/users/{identifier}/statuses/{id}/replies";

/** Our status an id names (`${origin}/users/name/statuses/id`), as its author's username and the status id. */
export function parseLocalStatusUri<TContextData>(ctx: Context<TContextData>, uri: URL | null): { username: string; statusId: string } | null {
  if (uri === null || uri.origin !== new URL(ctx.canonicalOrigin).origin) return null;
  const match = /^\/users\/([^/]+)\/statuses\/(\d{1,20})$/.exec(uri.pathname);
  if (!match?.[1] || !match[2]) return null;
  return { username: decodeURIComponent(match[1]), statusId: match[2] };
}
