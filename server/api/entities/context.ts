import type { MastodonStatus } from "./status.ts";

/** Mastodon's Context entity: a status's ancestors (oldest first) and descendants (in reading order). */
export interface MastodonContext {
  ancestors: MastodonStatus[];
  descendants: MastodonStatus[];
}

export function toContext(ancestors: MastodonStatus[], descendants: MastodonStatus[]): MastodonContext {
  return { ancestors, descendants };
}
