import { Invalid } from "../errors.ts";

/** Mastodon's OAuth scopes: the four top-level ones and the granular ones beneath them. */
const GRANULAR: Record<string, readonly string[]> = {
  read: ["accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"],
  write: ["accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"],
  "admin:read": ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"],
  "admin:write": ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"],
};

// The deprecated "follow" scope still grants what it did before granular scopes existed.
const FOLLOW_GRANTS = ["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"];

const KNOWN = new Set<string>(["read", "write", "follow", "push", "profile", "admin:read", "admin:write"]);
for (const [parent, children] of Object.entries(GRANULAR)) for (const child of children) KNOWN.add(`${parent}:${child}`);

export const DEFAULT_SCOPES = "read";

export const KNOWN_SCOPES: readonly string[] = [...KNOWN];

/** Splits a space-separated scope string, refusing unknown scopes with a sentence that names them. */
export function parseScopes(input: string): string[] {
  const scopes = [...new Set(input.split(/[\s+]+/).filter(Boolean))];
  if (scopes.length === 0) throw new Invalid("No scopes were given; use some of: read write follow push.");
  const unknown = scopes.filter((scope) => !KNOWN.has(scope));
  if (unknown.length > 0) throw new Invalid(`Unknown scope ${unknown.join(", ")}; use some of: read write follow push (or granular ones such as read:statuses).`);
  return scopes;
}

/** Whether scopes granted to a token cover the one an endpoint requires (e.g. "read" covers "read:statuses"). */
export function scopesAllow(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  const separator = required.lastIndexOf(":");
  if (separator > 0 && granted.includes(required.slice(0, separator))) return true;
  if (granted.includes("follow") && FOLLOW_GRANTS.includes(required)) return true;
  return false;
}

/**
 * Scopes as an app asks for them at registration or authorization. Mastodon drops what it does not know
 * rather than failing the request, and apps written for newer servers rely on that; "read" if none remain.
 */
export function tolerantScopes(input: string | undefined): string[] {
  const scopes = [...new Set((input ?? "").split(/[\s+]+/).filter((scope) => KNOWN.has(scope)))];
  return scopes.length > 0 ? scopes : [DEFAULT_SCOPES];
}
