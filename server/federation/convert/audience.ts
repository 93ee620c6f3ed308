import { PUBLIC_COLLECTION } from "@fedify/vocab";
import type { Visibility } from "../../db/schema.ts";

/** The public collection, however a server spells it (full IRI, `as:Public`, bare `Public`). */
export function isPublicCollection(uri: URL | string): boolean {
  const href = typeof uri === "string" ? uri : uri.href;
  return href === PUBLIC_COLLECTION.href || href === "as:Public" || href === "Public";
}

/**
 * A remote object's visibility from its addressing, as Mastodon computes it (visibility_from_audience):
 * Public in `to` is public, Public in `cc` unlisted, the author's followers in `to` followers-only, anything
 * else (only named accounts) direct.
 */
export function visibilityFromAudience(to: readonly URL[], cc: readonly URL[], followersUrl: string | null): Visibility {
  if (to.some(isPublicCollection)) return "public";
  if (cc.some(isPublicCollection)) return "unlisted";
  if (followersUrl !== null && to.some((uri) => uri.href === followersUrl)) return "private";
  return "direct";
}

export interface Addressing {
  to: URL[];
  cc: URL[];
}

/**
 * How Mastodon addresses a status of each visibility (ActivityPub::TagManager#to and #cc): public goes to
 * Public with followers in cc, unlisted to followers with Public in cc, followers-only to followers, direct
 * to the mentioned accounts only. Mentioned accounts are in cc unless the status is direct.
 */
export function addressingFor(visibility: Visibility, followers: URL, mentioned: readonly URL[]): Addressing {
  switch (visibility) {
    case "public":
      return { to: [PUBLIC_COLLECTION], cc: [followers, ...mentioned] };
    case "unlisted":
      return { to: [followers], cc: [PUBLIC_COLLECTION, ...mentioned] };
    case "private":
      return { to: [followers], cc: [...mentioned] };
    case "direct":
      return { to: [...mentioned], cc: [] };
  }
}
